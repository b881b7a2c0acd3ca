// Sampler: the scenario engine's side of periodic counters. It knows when the next sample is due
// (every `interval` from the run's start), asks the engine for one HostSample per host present, and
// hands them to the recorder as one tick. It reads no clock: the engine passes the current time,
// from a timer of its own or whenever it checks.
#pragma once

#include "net/time.hpp"
#include "record/recorder.hpp"
#include "record/run.hpp"

#include <cassert>
#include <vector>

namespace swarmlab::record {

class Sampler {
 public:
  Sampler(Recorder& recorder, net::Duration interval, net::TimePoint start_time)
      : recorder_(recorder), interval_(interval), next_due_(start_time) {
    assert(interval.count() > 0);
  }

  net::Duration interval() const { return interval_; }
  // The first sample is due at the start time, then one every interval.
  net::TimePoint next_due() const { return next_due_; }
  bool due(net::TimePoint now) const { return now >= next_due_; }

  // Takes a sample if one is due; `collect(std::vector<HostSample>&)` appends one row per host.
  // Returns whether it took one. Ticks missed in between are skipped, not replayed.
  template <class Collect>
  bool poll(net::TimePoint now, Collect&& collect) {
    if (!due(now)) return false;
    take(now, collect);
    return true;
  }

  // Takes a sample now, due or not (for instance at the end of the run).
  template <class Collect>
  void take(net::TimePoint now, Collect&& collect) {
    rows_.clear();
    collect(rows_);
    recorder_.record_samples(now, rows_);
    advance_past(now);
  }

 private:
  void advance_past(net::TimePoint now) {
    if (now < next_due_) return;
    const auto missed = (now - next_due_) / interval_;
    next_due_ += (missed + 1) * interval_;
    assert(next_due_ > now);
  }

  Recorder& recorder_;
  net::Duration interval_;
  net::TimePoint next_due_;
  // Reused every tick, so sampling allocates only while the swarm grows.
  std::vector<HostSample> rows_;
};

}  // namespace swarmlab::record
