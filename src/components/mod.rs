//! Shared presentational pieces: fields, buttons, alerts, headings, the code input, the
//! new-password pair, the resend countdown, the QR code, and second-factor verification.

mod buttons;
mod factor_verify;
mod feedback;
mod fields;
mod password;
mod qr;
pub(crate) mod task;

pub use buttons::{BusyButton, Confirm, StopWaiting};
pub use factor_verify::factor_label;
pub(crate) use factor_verify::factor_verify;
pub use feedback::{Alert, Heading, Status, SubmitButton};
pub use fields::{CodeField, Field, ResendButton};
pub use password::{acceptable as password_acceptable, NewPasswordFields, PasswordField};
pub(crate) use qr::qr_code;
