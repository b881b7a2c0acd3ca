// libFuzzer target: HTTP tracker announce and scrape responses. A parsed scrape response encodes
// back into one that parses to the same value.
#include "protocol/tracker_http.hpp"

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <span>

namespace tracker_http = swarmlab::protocol::tracker_http;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto body = std::span(data, size);
  (void)tracker_http::parse_announce_response(body);
  const auto scrape = tracker_http::parse_scrape_response(body);
  if (scrape && !scrape->failure_reason) {
    const std::string encoded = tracker_http::encode_scrape_response(*scrape);
    const auto again = tracker_http::parse_scrape_response(
        std::span(reinterpret_cast<const std::uint8_t*>(encoded.data()), encoded.size()));
    assert(again.value() == *scrape);
  }
  return 0;
}
