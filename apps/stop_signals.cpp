#include "apps/stop_signals.hpp"

#include <pthread.h>

#include <ctime>

namespace swarmlab::apps {

StopSignals::StopSignals() {
  sigemptyset(&stop_signals_);
  sigaddset(&stop_signals_, SIGINT);
  sigaddset(&stop_signals_, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals_, &previous_mask_);
}

StopSignals::~StopSignals() {
  pthread_sigmask(SIG_SETMASK, &previous_mask_, nullptr);
}

int StopSignals::take() {
  if (received_ != 0) return received_;
  const timespec no_wait{};
  const int signal_number = sigtimedwait(&stop_signals_, nullptr, &no_wait);
  if (signal_number > 0) received_ = signal_number;
  return received_;
}

}  // namespace swarmlab::apps
