#include "record/run.hpp"

#include <cassert>

namespace swarmlab::record {

std::string_view to_string(Backend backend) {
  switch (backend) {
    case Backend::sim:
      return "sim";
    case Backend::real:
      return "real";
  }
  assert(false);
  return "?";
}

std::string_view to_string(Outcome outcome) {
  switch (outcome) {
    case Outcome::completed:
      return "completed";
    case Outcome::time_limit:
      return "time_limit";
    case Outcome::failed:
      return "failed";
    case Outcome::interrupted:
      return "interrupted";
  }
  assert(false);
  return "?";
}

std::string_view to_string(HostRole role) {
  switch (role) {
    case HostRole::seed:
      return "seed";
    case HostRole::leecher:
      return "leecher";
    case HostRole::tracker:
      return "tracker";
    case HostRole::dht:
      return "dht";
  }
  assert(false);
  return "?";
}

}  // namespace swarmlab::record
