#include "actors/peer/tracker_url.hpp"

#include <boost/asio/ip/address.hpp>

#include <charconv>

namespace swarmlab::peer {

namespace {

constexpr std::uint16_t http_default_port = 80;

bool starts_with_case_insensitive(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    char c = text[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != prefix[i]) return false;
  }
  return true;
}

std::optional<std::uint16_t> parse_port(std::string_view text) {
  unsigned value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size() || value == 0 || value > 65535)
    return std::nullopt;
  return static_cast<std::uint16_t>(value);
}

bool is_name_character(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_';
}

// Splits "host[:port]" or "[v6][:port]" into the URL; false when malformed.
bool parse_authority(std::string_view authority, TrackerUrl& url) {
  std::string_view host;
  std::string_view rest;
  if (authority.starts_with('[')) {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return false;
    host = authority.substr(1, close - 1);
    rest = authority.substr(close + 1);
    boost::system::error_code error;
    const auto address = boost::asio::ip::make_address_v6(std::string(host), error);
    if (error) return false;
    url.address = net::Address(address);
  } else {
    const std::size_t colon = authority.find(':');
    host = authority.substr(0, colon);
    rest = colon == std::string_view::npos ? std::string_view() : authority.substr(colon);
    if (host.empty()) return false;
    for (const char c : host) {
      if (!is_name_character(c)) return false;
    }
    boost::system::error_code error;
    const auto address = boost::asio::ip::make_address_v4(std::string(host), error);
    if (!error) url.address = net::Address(address);
  }
  url.host = std::string(host);
  if (rest.empty()) {
    if (url.scheme == TrackerUrl::Scheme::udp) return false;  // UDP has no default port
    url.port = http_default_port;
    return true;
  }
  if (!rest.starts_with(':')) return false;
  const auto port = parse_port(rest.substr(1));
  if (!port) return false;
  url.port = *port;
  return true;
}

}  // namespace

std::string TrackerUrl::authority() const {
  const bool bracket = address && address->is_v6();
  return (bracket ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::optional<TrackerUrl> parse_tracker_url(std::string_view text) {
  if (text.size() > tracker_url_size_max) return std::nullopt;
  TrackerUrl url;
  std::string_view rest;
  if (starts_with_case_insensitive(text, "http://")) {
    url.scheme = TrackerUrl::Scheme::http;
    rest = text.substr(7);
  } else if (starts_with_case_insensitive(text, "udp://")) {
    url.scheme = TrackerUrl::Scheme::udp;
    rest = text.substr(6);
  } else {
    return std::nullopt;
  }
  const std::size_t path_start = rest.find_first_of("/?#");
  const std::string_view authority = rest.substr(0, path_start);
  if (authority.find('@') != std::string_view::npos) return std::nullopt;
  if (!parse_authority(authority, url)) return std::nullopt;
  std::string_view target =
      path_start == std::string_view::npos ? std::string_view() : rest.substr(path_start);
  target = target.substr(0, target.find('#'));
  for (const char c : target) {
    if (c <= ' ' || c == 0x7f) return std::nullopt;  // would break the request line
  }
  url.target =
      target.empty() || target.front() != '/' ? "/" + std::string(target) : std::string(target);
  return url;
}

}  // namespace swarmlab::peer
