//! The host example: mounts [`host_app::App`]; nothing else.
fn main() {
    leptos::mount::mount_to_body(host_app::App);
}
