//! Talking to GitHub without doing I/O: the apply protocol, the fleet
//! commands (`status`, `sweep`) and the doctor checks, as state machines an
//! executor drives.

pub mod apply;
pub mod doctor;
pub mod fleet;

/// A protocol an executor drives: send each request it is given, feed back
/// the reply, until it is done. Every executor (octocrab, `fetch`) runs every
/// protocol the same way.
pub trait Protocol {
    /// How the protocol ends.
    type Output;
    /// The first step.
    fn start(&mut self) -> apply::Step<Self::Output>;
    /// The step after `reply`; `now_epoch_s` is the executor's clock.
    fn on_reply(&mut self, reply: &apply::Reply, now_epoch_s: u64) -> apply::Step<Self::Output>;
}

impl Protocol for apply::ApplyMachine {
    type Output = apply::ApplyResult;
    fn start(&mut self) -> apply::Step {
        apply::ApplyMachine::start(self)
    }
    fn on_reply(&mut self, reply: &apply::Reply, now_epoch_s: u64) -> apply::Step {
        apply::ApplyMachine::on_reply(self, reply, now_epoch_s)
    }
}

impl Protocol for fleet::FleetMachine {
    type Output = fleet::FleetOutput;
    fn start(&mut self) -> apply::Step<fleet::FleetOutput> {
        fleet::FleetMachine::start(self)
    }
    fn on_reply(
        &mut self,
        reply: &apply::Reply,
        now_epoch_s: u64,
    ) -> apply::Step<fleet::FleetOutput> {
        fleet::FleetMachine::on_reply(self, reply, now_epoch_s)
    }
}
