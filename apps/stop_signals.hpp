// SIGINT and SIGTERM held pending for a command that polls for them: while a StopSignals
// exists, the process's stop signals are blocked (threads started meanwhile inherit the mask)
// and take() tells whether one has arrived. No handler and no global flag: the kernel keeps the
// pending signal until the command asks. Leaving the scope unblocks them, so a second signal
// that is still pending ends the process as it would have without this class.
#pragma once

#include <csignal>

namespace swarmlab::apps {

class StopSignals {
 public:
  StopSignals();
  ~StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  // The first stop signal received (SIGINT or SIGTERM), or 0 while none has arrived.
  int take();

 private:
  sigset_t stop_signals_{};
  sigset_t previous_mask_{};
  int received_ = 0;
};

}  // namespace swarmlab::apps
