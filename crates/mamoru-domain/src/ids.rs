//! Identifier newtypes, so that an asset id can never be passed where a facility id is meant.

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(i64);

        impl $name {
            /// Wraps a raw database id.
            pub const fn new(raw: i64) -> Self {
                Self(raw)
            }

            /// The raw id, for storage and URLs.
            pub const fn get(self) -> i64 {
                self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id_type!(
    /// An organisation: the tenant boundary. Nothing crosses from one to another.
    OrgId
);
id_type!(
    /// A facility (hospital, clinic, visiting-nurse station, pharmacy) of an organisation.
    FacilityId
);
id_type!(
    /// An asset in a facility's register.
    AssetId
);
id_type!(
    /// A vendor or outside party of the contact chain.
    PartyId
);
id_type!(
    /// A person or desk to call in the contact chain.
    ContactId
);
id_type!(
    /// A user account.
    UserId
);
id_type!(
    /// A personal API token.
    TokenId
);
id_type!(
    /// A vulnerability finding: one vulnerability on one asset.
    FindingId
);
id_type!(
    /// A detection alert: detections of one rule on one computer, grouped.
    AlertId
);
id_type!(
    /// A suppression rule: detections it matches are counted, not alerted on.
    SuppressionId
);
id_type!(
    /// An incident case.
    CaseId
);
id_type!(
    /// An evidence file kept on a case.
    EvidenceId
);
id_type!(
    /// A task on a case.
    TaskId
);
id_type!(
    /// A backup job: one protected system's schedule, repositories and policies.
    BackupJobId
);
id_type!(
    /// One recorded result of a backup job (a backup, copy, verify, restore test or forget).
    BackupResultId
);
