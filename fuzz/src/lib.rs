//! The fixed world the fuzz targets run in: a small in-memory governance
//! repository (the example `kahn-hq` checkout's governance files, embedded),
//! a registry, and a diagnosis cache holding a fresh, a stale and a foreign
//! diagnosis. Everything is built once per process.
//!
//! The repository is the example's, so `examples/workspace/fix.json` (and the
//! seeds derived from it) cite a diagnosis id the cache knows, and plans reach
//! the deep checks (paths, profile, guards, grounding) instead of stopping at
//! `diagnosis_unknown`.

use petrova_core::error::Frontend;
use petrova_core::governance::diagnosis::{self, DiagnoseOutput, Diagnosis, ScanInput, Window};
use petrova_core::governance::docs::ScanLimits;
use petrova_core::governance::source::MemoryCheckout;
use petrova_core::plan::validate::MemoryStore;
use petrova_core::request::{ProposeRequest, RegistrySource, Target};
use std::sync::OnceLock;

/// The scan and proposal time.
pub const NOW: &str = "2026-04-29T14:30:00Z";
/// The window every cached diagnosis uses.
pub const SINCE: &str = "2026-04-22";
/// The slug the plans target.
pub const SLUG: &str = "kahn-hq";
/// The actor of every request.
pub const ACTOR: &str = "fleet:kahn-implementer";

macro_rules! example {
    ($rel:literal) => {
        (
            $rel,
            include_bytes!(concat!("../../examples/workspace/kahn-hq/", $rel)).as_slice(),
        )
    };
}

/// The embedded files of the repository (path, bytes).
pub const FILES: &[(&str, &[u8])] = &[
    example!(".petrova.yml"),
    example!("CLAUDE.md"),
    example!("README.md"),
    example!("backend/Makefile"),
    example!("backend/migrations/0044_runs_org_id_not_null.sql"),
    example!("backend/migrations/0045_tenants_service_name_check.sql"),
    example!("docs/meta-rules.md"),
    example!("docs/roadmap.md"),
    example!("docs/spec/api.md"),
    example!("docs/spec/rls.md"),
    example!("docs/decisions/2025-11-04-adopt-postgres-rls.md"),
    example!("docs/decisions/2026-04-22-audit-rls-checkpoint-in-ci.md"),
    example!("docs/decisions/2026-04-24-service-tenant-naming.md"),
    example!("docs/decisions/2026-04-27-b3-read-path-stays-on-runs.md"),
    example!("docs/decisions/2026-04-28-phase-7-close.md"),
    example!("docs/findings/20260415-2210-soak-b3-p95-regression.md"),
    example!("docs/findings/20260428-1430-rls-tenant-drift.md"),
    example!("scripts/soak-refute.py"),
];

/// The registry: the target with a tight custom profile (so every profile
/// check is reachable with small inputs) and a second, foreign repository.
pub const REGISTRY: &str = "\
repos:
  - slug: kahn-hq
    url: https://github.com/kahn-hq/kahn
    default_branch: main
    role: production
    profile: fuzz
    fleets_allowed: [kahn-implementer, kahn-diagnostics]
    added: \"2026-04-29\"
  - slug: other-repo
    url: https://github.com/kahn-hq/other
    default_branch: main
    role: sandbox
    profile: standard
    fleets_allowed: [kahn-implementer]
    added: \"2026-04-29\"
profiles:
  fuzz:
    max_files: 4
    allow: [backend/, docs/, scripts/, CLAUDE.md, README.md, .github/]
    forbid: [.github/workflows/, .git/, backend/secrets/]
    max_file_bytes: 4096
";

/// The example repository in memory, with a symlink `backend/linked`.
pub fn checkout() -> &'static MemoryCheckout {
    static CHECKOUT: OnceLock<MemoryCheckout> = OnceLock::new();
    CHECKOUT.get_or_init(|| {
        let mut c = MemoryCheckout::new();
        for (path, bytes) in FILES {
            c.insert_file(path, bytes.to_vec());
        }
        c.insert_symlink("backend/linked");
        c
    })
}

/// Scans `checkout` for the fixed window at [`NOW`].
pub fn scan(checkout: &MemoryCheckout) -> Diagnosis {
    let input = ScanInput {
        window: Window::parse(SINCE, None, Frontend::Cli).unwrap_or_else(|e| panic!("window: {e}")),
        scanned_at: NOW.to_owned(),
        head: None,
        limits: ScanLimits::default(),
    };
    diagnosis::diagnose(checkout, &input)
}

/// The fresh diagnosis of [`checkout`] (what a plan should cite).
pub fn diagnosis() -> &'static Diagnosis {
    static DIAGNOSIS: OnceLock<Diagnosis> = OnceLock::new();
    DIAGNOSIS.get_or_init(|| scan(checkout()))
}

/// The three cached diagnoses: fresh, stale (the repository before the last
/// decision was edited) and foreign (another repository's), by id.
pub fn cached_ids() -> &'static [String; 3] {
    static IDS: OnceLock<[String; 3]> = OnceLock::new();
    IDS.get_or_init(|| {
        let outputs = outputs();
        let id = |bytes: &Vec<u8>| {
            serde_json::from_slice::<DiagnoseOutput>(bytes)
                .map(|o| o.result.diagnosis_id)
                .unwrap_or_default()
        };
        [id(&outputs[0]), id(&outputs[1]), id(&outputs[2])]
    })
}

fn outputs() -> Vec<Vec<u8>> {
    let fresh = DiagnoseOutput::new(SLUG, diagnosis().clone());
    let mut older = checkout().clone();
    older.insert_file(
        "docs/decisions/2026-04-28-phase-7-close.md",
        "# Phase-7 close (draft)\n".as_bytes().to_vec(),
    );
    let stale = DiagnoseOutput::new(SLUG, scan(&older));
    let other = MemoryCheckout::new()
        .with_file("docs/meta-rules.md", "- MR-1 — one rule\n")
        .with_file("docs/roadmap.md", "## Phase-1\n\nStatus: open\n");
    let foreign = DiagnoseOutput::new("other-repo", scan(&other));
    [fresh, stale, foreign]
        .iter()
        .map(|o| serde_json::to_vec(o).unwrap_or_default())
        .collect()
}

/// The diagnosis cache.
pub fn store() -> &'static MemoryStore {
    static STORE: OnceLock<MemoryStore> = OnceLock::new();
    STORE.get_or_init(|| MemoryStore::from_outputs(outputs()))
}

/// A `propose_fix` request with the fixed registry, actor and trigger (the
/// plan's bytes go beside it to `request::prepare`).
pub fn request() -> ProposeRequest {
    ProposeRequest {
        registry: RegistrySource {
            source: REGISTRY.to_owned(),
            path: "registry.yaml".to_owned(),
        },
        target: Target {
            slug: Some(SLUG.to_owned()),
            repository: None,
        },
        actor: ACTOR.to_owned(),
        triggered_by_kind: "audit_fail".to_owned(),
        triggered_by_ref: "ci-run-12345".to_owned(),
        allow_stale: false,
        supersede: false,
        reconsider: false,
        now: NOW.to_owned(),
        env: Default::default(),
        frontend: Frontend::Cli,
        registry_in_checkout: None,
    }
}
