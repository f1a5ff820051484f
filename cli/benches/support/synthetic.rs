//! A generator of synthetic governance repositories for benchmarks: dated
//! decisions and findings of realistic sizes, a meta-rules doc and a roadmap.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

/// A tiny deterministic PRNG (xorshift64*), so every run generates the same repository.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.max(1))
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
}

const WORDS: &[&str] = &[
    "tenant",
    "policy",
    "migration",
    "endpoint",
    "latency",
    "audit",
    "runs",
    "schema",
    "index",
    "rollout",
    "phase",
    "milestone",
    "finding",
    "decision",
    "contract",
    "service",
    "isolation",
    "queue",
    "retry",
    "budget",
    "owner",
    "review",
    "the",
    "a",
    "of",
    "to",
    "and",
    "in",
    "for",
    "with",
    "on",
    "is",
    "we",
    "that",
    "this",
    "will",
    "not",
    "be",
    "by",
    "as",
];

fn sentence(rng: &mut Rng, words: usize) -> String {
    let mut s = String::new();
    for i in 0..words {
        if i > 0 {
            s.push(' ');
        }
        s.push_str(WORDS[rng.below(WORDS.len() as u64) as usize]);
    }
    s
}

fn document(rng: &mut Rng, title: &str, status: Option<&str>) -> String {
    let mut doc = String::new();
    if rng.below(5) == 0 {
        doc.push_str("---\nstatus: accepted\nsupersedes: none\n---\n");
    }
    let _ = writeln!(doc, "# {title}\n");
    if let Some(status) = status {
        let _ = writeln!(doc, "Status: {status}\n");
    }
    let sections = 2 + rng.below(3);
    for _ in 0..sections {
        let _ = writeln!(doc, "## {}\n", sentence(rng, 3));
        for _ in 0..(1 + rng.below(3)) {
            let words = 25 + rng.below(30) as usize;
            let rule = 1 + rng.below(12);
            let _ = writeln!(
                doc,
                "{}. `code` and **bold** text, see MR-{rule}.\n",
                sentence(rng, words)
            );
        }
        for _ in 0..rng.below(5) {
            let _ = writeln!(doc, "- {}", sentence(rng, 8));
        }
        doc.push('\n');
    }
    doc
}

/// Days since 2000-01-01 → (y, m, d), for spreading documents over the years.
fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 10_957 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Writes a repository with `docs` dated documents (half decisions, half
/// findings) spread evenly over the ten years up to 2026-04-28.
pub fn generate(root: &Path, docs: usize, seed: u64) -> std::io::Result<()> {
    let mut rng = Rng::new(seed);
    let decisions = root.join("docs/decisions");
    let findings = root.join("docs/findings");
    fs::create_dir_all(&decisions)?;
    fs::create_dir_all(&findings)?;
    fs::create_dir_all(root.join("docs/spec"))?;
    fs::write(root.join(".petrova.yml"), "guards:\n  - rule: MR-7\n    kind: append_only\n    paths: [docs/decisions/]\n  - rule: MR-12\n    kind: read_only\n    paths: [CLAUDE.md]\n")?;
    let mut rules = String::from("# Meta-rules\n\n");
    for n in 1..=40 {
        let _ = writeln!(rules, "- **MR-{n}** — {}", sentence(&mut rng, 10));
    }
    fs::write(root.join("docs/meta-rules.md"), rules)?;
    let mut roadmap = String::from("# Roadmap\n\n");
    for p in 1..=9 {
        let _ = writeln!(
            roadmap,
            "## Phase-{p} — {}\n\nStatus: {}\n",
            sentence(&mut rng, 3),
            if p < 9 { "closed" } else { "open" }
        );
        for m in 1..=12 {
            let _ = writeln!(
                roadmap,
                "- [{}] M{p}.{m} — {}",
                if p < 9 || m < 6 { "x" } else { " " },
                sentence(&mut rng, 6)
            );
        }
        roadmap.push('\n');
    }
    fs::write(root.join("docs/roadmap.md"), roadmap)?;
    let end_day = 9614i64; // 2026-04-28
    let span = 3650i64;
    for i in 0..docs {
        let day = end_day - span + (i as i64 * span) / docs as i64;
        let (y, m, d) = civil(day);
        let slug = format!("{}-{i}", WORDS[rng.below(12) as usize]);
        if i % 2 == 0 {
            let title = format!("Decision {i}: {}", sentence(&mut rng, 5));
            fs::write(
                decisions.join(format!("{y:04}-{m:02}-{d:02}-{slug}.md")),
                document(&mut rng, &title, None),
            )?;
        } else {
            let title = format!("Finding {i}: {}", sentence(&mut rng, 5));
            let status = if rng.below(4) == 0 {
                "open"
            } else {
                "resolved"
            };
            let (h, min) = (rng.below(24), rng.below(60));
            fs::write(
                findings.join(format!("{y:04}{m:02}{d:02}-{h:02}{min:02}-{slug}.md")),
                document(&mut rng, &title, Some(status)),
            )?;
        }
    }
    Ok(())
}
