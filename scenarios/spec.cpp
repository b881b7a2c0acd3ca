#include "scenarios/spec.hpp"

namespace swarmlab::scenarios {

std::string_view to_string(PayloadMode mode) {
  return mode == PayloadMode::real ? "real" : "phantom";
}

std::string_view to_string(ArrivalProcess process) {
  switch (process) {
    case ArrivalProcess::at_once:
      return "at_once";
    case ArrivalProcess::uniform:
      return "uniform";
    case ArrivalProcess::poisson:
      return "poisson";
    case ArrivalProcess::file:
      return "file";
  }
  return "?";
}

std::string_view to_string(DeparturePolicy policy) {
  switch (policy) {
    case DeparturePolicy::stay:
      return "stay";
    case DeparturePolicy::on_completion:
      return "on_completion";
    case DeparturePolicy::seed_for:
      return "seed_for";
    case DeparturePolicy::exponential:
      return "exponential";
  }
  return "?";
}

std::string_view to_string(FaultAction action) {
  switch (action) {
    case FaultAction::partition:
      return "partition";
    case FaultAction::heal:
      return "heal";
    case FaultAction::crash:
      return "crash";
    case FaultAction::restart:
      return "restart";
    case FaultAction::set_link:
      return "set_link";
    case FaultAction::tracker_down:
      return "tracker_down";
    case FaultAction::tracker_up:
      return "tracker_up";
    case FaultAction::corrupt:
      return "corrupt";
  }
  return "?";
}

}  // namespace swarmlab::scenarios
