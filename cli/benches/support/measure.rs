//! What the benches share: a median timer and the bundled example checkout
//! held in memory (as the wasm build reads it).

use petrova_core::governance::source::MemoryCheckout;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// The median of `runs` timings of `f`.
pub fn median(runs: usize, mut f: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    times.sort();
    times[runs / 2]
}

/// The example repository `kahn-hq` in memory, and the example workspace's
/// folder (its registry and plans).
pub fn example() -> (MemoryCheckout, PathBuf) {
    let ws = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../examples/workspace");
    let root = ws.join("kahn-hq");
    let mut memory = MemoryCheckout::new();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(&root).unwrap();
                memory.insert_file(&rel.to_string_lossy(), std::fs::read(&path).unwrap());
            }
        }
    }
    (memory, ws)
}
