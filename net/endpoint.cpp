#include "net/endpoint.hpp"

namespace swarmlab::net {

std::string Endpoint::to_string() const {
  const std::string host = address.to_string();
  return (address.is_v6() ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

}  // namespace swarmlab::net
