//! The authenticator-app enrolment sub-flow as a small state machine: name → (enrol) → scan and
//! enter the first code (the form then closes). Going back keeps the issued factor, so pressing "Add" again with
//! the same name shows the same secret instead of creating a second factor; with another name
//! (or after a reload) abandoned unverified factors are removed first. Pure.

use crate::api::{Factor, FactorType};

/// A TOTP factor issued by `POST /factors` and not verified yet. Held in memory only.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Issued {
    /// The unverified factor's id.
    pub factor_id: String,
    /// The friendly name it was enrolled with.
    pub name: String,
    /// Base32 secret (shown once, never stored).
    pub secret: String,
    /// The `otpauth://` URI.
    pub uri: String,
}

impl Issued {
    /// The "open in your authenticator app" link: the server's `uri` only when it is an
    /// `otpauth:` URI (never a `javascript:` or web address a tampered answer could carry).
    pub fn app_link(&self) -> Option<&str> {
        let scheme = self.uri.get(..8)?;
        scheme.eq_ignore_ascii_case("otpauth:").then_some(self.uri.as_str())
    }
}

/// Where the sub-flow is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TotpStep {
    /// Asking for a friendly name.
    Naming,
    /// Showing the QR code and secret, asking for the first code.
    Scanning,
}

/// What pressing "Add" with a name should do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Plan {
    /// Show the already issued factor again (no request).
    Reuse,
    /// Remove these unverified factors, then enrol a new one.
    Enroll {
        /// Ids of factors to unenrol first.
        remove: Vec<String>,
    },
}

/// The sub-flow state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TotpFlow {
    /// The current step.
    pub step: TotpStep,
    /// The issued, not yet verified factor, if any.
    pub issued: Option<Issued>,
}

impl Default for TotpFlow {
    fn default() -> Self {
        TotpFlow { step: TotpStep::Naming, issued: None }
    }
}

impl TotpFlow {
    /// Decides what "Add" with `name` does, given the user's `factors`.
    pub fn plan(&self, name: &str, factors: &[Factor]) -> Plan {
        let name = name.trim();
        match &self.issued {
            Some(i) if i.name == name => Plan::Reuse,
            _ => {
                let mut remove: Vec<String> = factors
                    .iter()
                    .filter(|f| {
                        !f.is_verified()
                            && (f.factor_type == FactorType::Totp
                                || f.friendly_name.as_deref() == Some(name))
                    })
                    .map(|f| f.id.clone())
                    .collect();
                if let Some(i) = &self.issued {
                    if !remove.contains(&i.factor_id) {
                        remove.push(i.factor_id.clone());
                    }
                }
                Plan::Enroll { remove }
            }
        }
    }

    /// Shows the issued factor (after [`Plan::Reuse`] or a successful enrolment).
    pub fn scanning(&mut self, issued: Option<Issued>) {
        if issued.is_some() {
            self.issued = issued;
        }
        if self.issued.is_some() {
            self.step = TotpStep::Scanning;
        }
    }

    /// Back from the scan step to the name step; the issued factor is kept for reuse.
    pub fn back(&mut self) {
        if self.step == TotpStep::Scanning {
            self.step = TotpStep::Naming;
        }
    }

    /// The issued factor disappeared on the server (expired, removed elsewhere): start again.
    pub fn lost(&mut self) {
        self.issued = None;
        self.step = TotpStep::Naming;
    }

    /// The issued, unverified factor to remove when the flow is cancelled, if any.
    pub fn abandoned(&self) -> Option<String> {
        self.issued.as_ref().map(|i| i.factor_id.clone())
    }
}

/// The secret in groups of four characters (`JBSW Y3DP EHPK 3PXP`), easier to type.
pub fn group_secret(secret: &str) -> String {
    let chars: Vec<char> = secret.chars().filter(|c| !c.is_whitespace()).collect();
    chars.chunks(4).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_otpauth_uris_become_the_app_link() {
        let with = |uri: &str| Issued { uri: uri.into(), ..issued("f", "n") };
        let good = "otpauth://totp/Acme:a@b.c?secret=JBSWY3DP&issuer=Acme";
        assert_eq!(with(good).app_link(), Some(good));
        assert_eq!(with("OTPAUTH://totp/x").app_link(), Some("OTPAUTH://totp/x"));
        for evil in [
            "javascript:alert(document.cookie)",
            " otpauth://totp/x",
            "https://evil.example/otpauth://",
            "data:text/html,<script>1</script>",
            "otpauth",
            "",
            "é-unicode-é",
        ] {
            assert_eq!(with(evil).app_link(), None, "{evil}");
        }
    }

    fn issued(id: &str, name: &str) -> Issued {
        Issued {
            factor_id: id.into(),
            name: name.into(),
            secret: "S".into(),
            uri: "otpauth://x".into(),
        }
    }

    fn factor(id: &str, kind: &str, status: &str, name: &str) -> Factor {
        Factor {
            id: id.into(),
            factor_type: kind.into(),
            status: status.into(),
            friendly_name: Some(name.into()),
            ..Default::default()
        }
    }

    #[test]
    fn grouping() {
        assert_eq!(group_secret("JBSWY3DPEHPK3PXP"), "JBSW Y3DP EHPK 3PXP");
        assert_eq!(group_secret("ABCDEF"), "ABCD EF");
        assert_eq!(group_secret("AB CD"), "ABCD");
        assert_eq!(group_secret(""), "");
    }

    #[test]
    fn back_then_same_name_reuses_the_factor() {
        let mut f = TotpFlow::default();
        assert_eq!(f.step, TotpStep::Naming, "it opens on the name");
        assert_eq!(f.plan("Phone", &[]), Plan::Enroll { remove: vec![] });
        f.scanning(Some(issued("f1", "Phone")));
        assert_eq!(f.step, TotpStep::Scanning);
        f.back();
        assert_eq!(f.step, TotpStep::Naming);
        assert_eq!(f.plan(" Phone ", &[]), Plan::Reuse);
        f.scanning(None);
        assert_eq!(f.step, TotpStep::Scanning);
        assert_eq!(f.issued.as_ref().map(|i| i.factor_id.as_str()), Some("f1"));
    }

    #[test]
    fn another_name_removes_the_abandoned_factors_first() {
        let mut f = TotpFlow::default();
        f.scanning(Some(issued("f1", "Phone")));
        f.back();
        let factors = [
            factor("old", "totp", "unverified", "Old"),
            factor("f1", "totp", "unverified", "Phone"),
            factor("ok", "totp", "verified", "Laptop"),
            factor("sms", "phone", "unverified", "+1555"),
            factor("same", "phone", "unverified", "Tablet"),
        ];
        assert_eq!(
            f.plan("Tablet", &factors),
            Plan::Enroll { remove: vec!["old".into(), "f1".into(), "same".into()] }
        );
    }

    #[test]
    fn the_issued_factor_is_removed_even_if_the_list_is_stale() {
        let mut f = TotpFlow::default();
        f.scanning(Some(issued("f9", "A")));
        assert_eq!(f.plan("B", &[]), Plan::Enroll { remove: vec!["f9".into()] });
    }

    #[test]
    fn scanning_without_a_factor_stays_put() {
        let mut f = TotpFlow::default();
        f.scanning(None);
        assert_eq!(f.step, TotpStep::Naming);
    }

    #[test]
    fn cancel_and_lost() {
        let mut f = TotpFlow::default();
        assert_eq!(f.abandoned(), None, "nothing issued, nothing to remove");
        f.scanning(Some(issued("f1", "A")));
        assert_eq!(f.abandoned(), Some("f1".into()));
        f.back();
        assert_eq!(f.abandoned(), Some("f1".into()), "going back keeps it");
        let mut lost = f.clone();
        lost.lost();
        assert_eq!((lost.step, lost.abandoned()), (TotpStep::Naming, None));
    }
}
