//! Shared presentational pieces: fields, buttons, alerts, headings, the code input, the
//! new-password pair, the resend countdown, the QR code, and second-factor verification.

mod buttons;
mod factor_verify;
mod feedback;
mod fields;
mod password;
#[cfg(feature = "qr")]
mod qr;
pub(crate) mod task;

pub use buttons::Confirm;
#[cfg(feature = "webauthn")]
pub use buttons::{BusyButton, StopWaiting};
pub use factor_verify::factor_label;
pub(crate) use factor_verify::factor_verify;
pub use feedback::{Alert, Heading, Status, SubmitButton};
pub(crate) use fields::code_expiry;
pub use fields::{CodeField, Field, ResendButton};
pub use password::{acceptable as password_acceptable, NewPasswordFields, PasswordField};
#[cfg(feature = "qr")]
pub(crate) use qr::qr_code;

/// Without the `qr` feature the authenticator app is added with its setup key and `otpauth:`
/// link only: no QR code.
#[cfg(not(feature = "qr"))]
pub(crate) fn qr_code(_data: String, _alt: &'static str) {}
