// Text for JSON output. Names and paths in torrents are bytes and need not be valid UTF-8, while
// JSON text must be: invalid sequences become U+FFFD.
#pragma once

#include <boost/json/string.hpp>

#include <string_view>

namespace swarmlab::apps {

boost::json::string json_text(std::string_view bytes);

}  // namespace swarmlab::apps
