//! Shared presentational pieces and browser helpers.

pub mod browser;
