// transmission-cli run in the background for an interop test, started again if it quits by itself.
//
// transmission-cli 3.00 looks at its torrent every 200 ms and ends (status 0) the first time it
// sees it stopped. A torrent it has just added, or is told to verify (-v), is stopped for a moment
// between its pause and its place in the verification queue, while its resume file is written;
// on a busy machine (another test writing and hashing at the same time) that moment can outlast
// the 200 ms, and the client quits right after it started, with nothing downloaded or seeded.
// The config directory keeps the torrent, so a new run carries on; restarts are bounded, and the
// log keeps every run's output.
#pragma once

#include "tests/support/background_process.hpp"

#include <sys/wait.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace swarmlab::test {

class TransmissionCli {
 public:
  // `argv`: the whole command line (e.g. "ip netns exec NAME timeout N transmission-cli ...").
  explicit TransmissionCli(std::vector<std::string> argv) : argv_(std::move(argv)) {
    process_.emplace(argv_);
  }

  bool started() const { return process_->started(); }

  // Whether it is running, after starting it again if it ended by itself with status 0 (at most
  // restarts_max times). Any other end (a time limit, a signal, an error status) is final.
  bool running() {
    if (!process_->exited()) return true;
    const int status = process_->status();
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || restarts_ == restarts_max) return false;
    earlier_runs_ += process_->output() + process_->errors() +
                     "-- transmission-cli quit by itself; started again --\n";
    ++restarts_;
    process_.emplace(argv_);
    return process_->started();
  }

  // Waits (bounded) until the current run's output shows `text`, starting it again as running()
  // does; false if it ended for good or the time ran out.
  bool wait_for_output(std::string_view text, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline && running()) {
      // output() itself waits up to 100 ms for more.
      if (process_->output().find(text) != std::string::npos) return true;
    }
    return false;
  }

  void stop() { process_->stop(); }
  std::string log() { return earlier_runs_ + process_->output() + process_->errors(); }

 private:
  static constexpr int restarts_max = 3;

  std::vector<std::string> argv_;
  std::optional<BackgroundProcess> process_;
  int restarts_ = 0;
  std::string earlier_runs_;
};

}  // namespace swarmlab::test
