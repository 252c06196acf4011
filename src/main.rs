//! The standalone SPA: mounts [`leptos_supabase_auth::app::App`]; nothing else.
fn main() {
    leptos::mount::mount_to_body(leptos_supabase_auth::app::App);
}
