//! The QR code of an `otpauth://` URI, drawn in the browser with the `qrcode` crate (the secret
//! never goes to a third-party service), shown as an SVG data image with a text alternative.

use crate::api::encode_query;
use leptos::prelude::*;
use qrcode::{render::svg, QrCode as Code};

/// Renders `data` as an SVG QR code string (`None` if it does not fit a QR code).
pub fn svg_for(data: &str) -> Option<String> {
    let code = Code::new(data.as_bytes()).ok()?;
    Some(code.render::<svg::Color>().min_dimensions(180, 180).quiet_zone(true).build())
}

crate::split::points! {
    /// The QR code of a new authenticator-app factor: the `qrcode` crate is fetched only when a
    /// user adds one.
    #[part(qr)]
    pub(crate) fn qr_code(data: String, alt: &'static str) => view! { <QrCode data alt/> };
}

/// An `<img>` showing the QR code of `data` with `alt` text.
#[component]
pub fn QrCode(
    /// What to encode (the `otpauth://` URI).
    #[prop(into)]
    data: String,
    /// Text alternative.
    alt: &'static str,
) -> impl IntoView {
    let src = svg_for(&data).map(|svg| ["data:image/svg+xml,", &encode_query(&svg)].concat());
    view! { <img class="lsa-qr" src=src alt=alt/> }
}

#[cfg(test)]
mod tests {
    #[test]
    fn otpauth_uri_becomes_an_svg() {
        let svg =
            super::svg_for("otpauth://totp/x:a@b.c?secret=JBSWY3DPEHPK3PXP&issuer=x").unwrap();
        assert!(svg.contains("<svg"));
        assert!(svg.contains("<path") || svg.contains("<rect"));
    }
}
