//! Prints the ids of the fuzz fixture's cached diagnoses (fresh, stale,
//! foreign), for writing seed plans: `cargo run --example fixture_ids`.
fn main() {
    let [fresh, stale, foreign] = petrova_fuzz::cached_ids();
    println!("fresh   {fresh}\nstale   {stale}\nforeign {foreign}");
}
