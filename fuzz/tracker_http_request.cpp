// libFuzzer target: HTTP tracker announce and scrape query strings. A parsed announce rebuilds into
// a URL whose query parses back to it.
#include "protocol/tracker_http.hpp"

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace tracker_http = swarmlab::protocol::tracker_http;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view query(reinterpret_cast<const char*>(data), size);
  (void)tracker_http::parse_scrape_query(query);
  const auto request = tracker_http::parse_announce_query(query);
  if (!request) return 0;
  const std::string url =
      tracker_http::build_announce_url("http://tracker.test/announce", *request);
  assert(tracker_http::parse_announce_query(tracker_http::split_target(url).second).value() ==
         *request);
  return 0;
}
