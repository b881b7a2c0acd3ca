// HTTP tracker, client side: announce and scrape URLs, announce and scrape response parsing.
#include "protocol/bencode.hpp"
#include "protocol/bencode_fields.hpp"
#include "protocol/error_category.hpp"
#include "protocol/host_name.hpp"
#include "protocol/percent_encoding.hpp"
#include "protocol/tracker_http.hpp"

#include <cassert>
#include <cstring>
#include <limits>

namespace swarmlab::protocol::tracker_http {
namespace {

using bencode::Node;
namespace fields = bencode_fields;
using E = TrackerHttpError;

constexpr std::int64_t uint32_max = std::numeric_limits<std::uint32_t>::max();
constexpr std::size_t host_size_max = 255;
constexpr std::size_t scrape_file_count_max = 100'000;
// A dictionary peer is 8 tokens (dict, 3 keys, 3 values, end); a scrape entry about 9.
// Trackers written by hand send dictionaries out of key order; libtorrent accepts them too.
constexpr bencode::Limits response_limits{
    .depth_max = 5, .token_count_max = 10 * scrape_file_count_max, .keys_sorted = false};
static_assert(10 * scrape_file_count_max >= 8 * peer_count_max + 64);

const char* describe(TrackerHttpError error) {
  switch (error) {
    case E::not_a_dictionary:
      return "tracker response is not a bencoded dictionary";
    case E::missing_field:
      return "tracker message lacks a required key";
    case E::wrong_type:
      return "tracker response key has a value of the wrong type";
    case E::value_out_of_range:
      return "tracker response integer out of range";
    case E::value_too_long:
      return "tracker response string too long";
    case E::peer_list_misaligned:
      return "tracker peer list is not a whole number of entries";
    case E::too_many_peers:
      return "tracker response lists too many peers";
    case E::bad_peer_ip:
      return "tracker peer ip is neither an address nor a host name";
    case E::bad_peer_id_size:
      return "peer id is not 20 bytes";
    case E::response_too_large:
      return "tracker response too large";
    case E::query_too_long:
      return "tracker query string too long";
    case E::too_many_parameters:
      return "tracker query has too many parameters";
    case E::parameter_without_value:
      return "tracker query parameter without '='";
    case E::bad_percent_escape:
      return "bad percent escape in tracker query";
    case E::missing_parameter:
      return "tracker announce lacks a required parameter";
    case E::duplicate_parameter:
      return "tracker announce parameter given twice";
    case E::bad_info_hash_size:
      return "info_hash is not 20 bytes";
    case E::bad_number:
      return "tracker query number malformed or out of range";
    case E::bad_event:
      return "tracker announce event unknown";
    case E::too_many_info_hashes:
      return "tracker scrape of too many torrents";
  }
  return "unknown HTTP tracker error";
}

std::string_view event_name(Event event) {
  switch (event) {
    case Event::started:
      return "started";
    case Event::completed:
      return "completed";
    case Event::stopped:
      return "stopped";
    case Event::none:
      return "";
  }
  return "";
}

// Appends "name=value" after '?' or '&', whichever the URL needs.
void append_parameter(std::string& url, std::string_view name, std::string_view encoded_value) {
  const bool has_query = url.find('?') != std::string::npos;
  const bool ends_open = !url.empty() && (url.back() == '?' || url.back() == '&');
  if (!ends_open) url.push_back(has_query ? '&' : '?');
  url.append(name).push_back('=');
  url.append(encoded_value);
}

void append_encoded_parameter(std::string& url, std::string_view name, std::string_view value) {
  std::string encoded;
  append_percent_encoded(encoded, value);
  append_parameter(url, name, encoded);
}

void append_binary_parameter(std::string& url, std::string_view name,
                             std::span<const std::uint8_t> value) {
  std::string encoded;
  append_percent_encoded(encoded, value);
  append_parameter(url, name, encoded);
}

ParseResult<Node> root_dictionary(const bencode::Document& document) {
  if (!document.root().is_dict()) return ParseError{E::not_a_dictionary, 0};
  return document.root();
}

ParseResult<std::optional<std::uint32_t>> optional_count(Node dict, std::string_view key) {
  const auto value = fields::optional_integer<E>(dict, key, 0, uint32_max);
  if (!value) return value.error();
  if (!*value) return std::optional<std::uint32_t>();
  return std::optional(static_cast<std::uint32_t>(**value));
}

ParseResult<std::optional<std::string>> optional_text(Node dict, std::string_view key) {
  const auto value = fields::optional_string<E>(dict, key, text_size_max);
  if (!value) return value.error();
  if (!*value) return std::optional<std::string>();
  return std::optional(std::string(**value));
}

// Appends a compact peer string (6-byte IPv4 or 18-byte IPv6 entries) to `peers`.
std::optional<ParseError> decode_compact_peers(Node node, std::size_t entry_size,
                                               std::vector<TrackerPeer>& peers) {
  const std::string_view bytes = node.string();
  if (bytes.size() % entry_size != 0) return ParseError{E::peer_list_misaligned, node.offset()};
  if (peers.size() + bytes.size() / entry_size > peer_count_max) {
    return ParseError{E::too_many_peers, node.offset()};
  }
  for (std::size_t offset = 0; offset < bytes.size(); offset += entry_size) {
    const auto* entry = reinterpret_cast<const std::uint8_t*>(bytes.data() + offset);
    const auto peer = parse_compact(std::span(entry, entry_size));
    assert(peer);
    peers.push_back(TrackerPeer{.address = *peer, .peer_id = std::nullopt});
  }
  return std::nullopt;
}

std::optional<ParseError> decode_dictionary_peer(Node item, AnnounceResponse& response) {
  if (!item.is_dict()) return ParseError{E::wrong_type, item.offset()};
  const auto ip = fields::required_string<E>(item, "ip", host_size_max);
  if (!ip) return ip.error();
  const auto port = fields::required_integer<E>(item, "port", 0, 65535);
  if (!port) return port.error();
  const auto peer_id = item.find("peer id");
  std::optional<PeerId> id;
  if (peer_id) {
    if (!peer_id->is_string()) return ParseError{E::wrong_type, peer_id->offset()};
    if (peer_id->string().size() != 20) return ParseError{E::bad_peer_id_size, peer_id->offset()};
    id.emplace();
    std::memcpy(id->data(), peer_id->string().data(), 20);
  }
  if (auto address = parse_ip_literal(*ip)) {
    address->port = static_cast<std::uint16_t>(*port);
    response.peers.push_back(TrackerPeer{.address = *address, .peer_id = id});
    return std::nullopt;
  }
  if (!is_host_name(*ip)) return ParseError{E::bad_peer_ip, item.find("ip")->offset()};
  response.peer_hostnames.push_back(std::string(*ip) + ":" + std::to_string(*port));
  return std::nullopt;
}

std::optional<ParseError> decode_peers(Node dict, AnnounceResponse& response) {
  if (const auto peers = dict.find("peers")) {
    if (peers->is_string()) {
      if (auto error = decode_compact_peers(*peers, compact_ipv4_size_bytes, response.peers)) {
        return error;
      }
    } else if (peers->is_list()) {
      for (const Node item : peers->items()) {
        if (response.peers.size() + response.peer_hostnames.size() == peer_count_max) {
          return ParseError{E::too_many_peers, item.offset()};
        }
        if (auto error = decode_dictionary_peer(item, response)) return error;
      }
    } else {
      return ParseError{E::wrong_type, peers->offset()};
    }
  }
  const auto peers6 = dict.find("peers6");
  if (!peers6) return std::nullopt;
  if (!peers6->is_string()) return ParseError{E::wrong_type, peers6->offset()};
  return decode_compact_peers(*peers6, compact_ipv6_size_bytes, response.peers);
}

std::optional<ParseError> decode_announce_fields(Node dict, AnnounceResponse& response) {
  // Optional in practice: trackers that leave it out get the client's default (0 here).
  const auto interval = optional_count(dict, "interval");
  if (!interval) return interval.error();
  response.interval_seconds = interval->value_or(0);
  const auto min_interval = optional_count(dict, "min interval");
  if (!min_interval) return min_interval.error();
  response.min_interval_seconds = *min_interval;
  const auto complete = optional_count(dict, "complete");
  if (!complete) return complete.error();
  response.complete = *complete;
  const auto incomplete = optional_count(dict, "incomplete");
  if (!incomplete) return incomplete.error();
  response.incomplete = *incomplete;
  auto warning = optional_text(dict, "warning message");
  if (!warning) return warning.error();
  response.warning_message = std::move(*warning);
  auto tracker_id = optional_text(dict, "tracker id");
  if (!tracker_id) return tracker_id.error();
  response.tracker_id = std::move(*tracker_id);
  return decode_peers(dict, response);
}

ParseResult<std::pair<InfoHash, ScrapeStats>> decode_scrape_entry(const bencode::DictEntry& entry) {
  if (entry.key.size() != sizeof(InfoHash)) {
    return ParseError{E::bad_info_hash_size, entry.key_offset};
  }
  if (!entry.value.is_dict()) return ParseError{E::wrong_type, entry.value.offset()};
  std::pair<InfoHash, ScrapeStats> file;
  std::memcpy(file.first.data(), entry.key.data(), sizeof(InfoHash));
  const auto complete = optional_count(entry.value, "complete");
  if (!complete) return complete.error();
  const auto downloaded = optional_count(entry.value, "downloaded");
  if (!downloaded) return downloaded.error();
  const auto incomplete = optional_count(entry.value, "incomplete");
  if (!incomplete) return incomplete.error();
  file.second = ScrapeStats{.complete = complete->value_or(0),
                            .downloaded = downloaded->value_or(0),
                            .incomplete = incomplete->value_or(0)};
  return file;
}

}  // namespace

const std::error_category& tracker_http_error_category() {
  static const EnumErrorCategory<TrackerHttpError> category("http-tracker", describe);
  return category;
}

std::string build_announce_url(std::string_view announce_url, const AnnounceRequest& request) {
  std::string url(announce_url);
  append_binary_parameter(url, "info_hash", request.info_hash);
  append_binary_parameter(url, "peer_id", request.peer_id);
  append_parameter(url, "port", std::to_string(request.port));
  append_parameter(url, "uploaded", std::to_string(request.uploaded_bytes));
  append_parameter(url, "downloaded", std::to_string(request.downloaded_bytes));
  append_parameter(url, "left", std::to_string(request.left_bytes));
  append_parameter(url, "compact", request.compact ? "1" : "0");
  if (request.no_peer_id) append_parameter(url, "no_peer_id", "1");
  if (request.event != Event::none) append_parameter(url, "event", event_name(request.event));
  if (request.numwant) append_parameter(url, "numwant", std::to_string(*request.numwant));
  if (request.key) append_encoded_parameter(url, "key", *request.key);
  if (request.tracker_id) append_encoded_parameter(url, "trackerid", *request.tracker_id);
  if (request.ip) append_encoded_parameter(url, "ip", *request.ip);
  return url;
}

ParseResult<AnnounceResponse> parse_announce_response(std::span<const std::uint8_t> body) {
  if (body.size() > response_size_max) return ParseError{E::response_too_large, response_size_max};
  const auto document = bencode::decode(body, response_limits);
  if (!document) return document.error();
  const auto dict = root_dictionary(*document);
  if (!dict) return dict.error();
  AnnounceResponse response;
  auto failure = optional_text(*dict, "failure reason");
  if (!failure) return failure.error();
  if (*failure) {
    response.failure_reason = std::move(*failure);
    return response;
  }
  if (const auto error = decode_announce_fields(*dict, response)) return *error;
  return response;
}

std::optional<std::string> scrape_url(std::string_view announce_url) {
  constexpr std::string_view announce = "announce";
  const std::size_t query = announce_url.find('?');
  const std::string_view path = announce_url.substr(0, query);
  const std::size_t slash = path.rfind('/');
  if (slash == std::string_view::npos) return std::nullopt;
  if (path.substr(slash + 1).substr(0, announce.size()) != announce) return std::nullopt;
  std::string url(announce_url.substr(0, slash + 1));
  url.append("scrape").append(announce_url.substr(slash + 1 + announce.size()));
  return url;
}

std::string build_scrape_url(std::string_view scrape_url, std::span<const InfoHash> info_hashes) {
  assert(info_hashes.size() <= scrape_info_hash_count_max);
  std::string url(scrape_url);
  for (const InfoHash& hash : info_hashes)
    append_binary_parameter(url, "info_hash", hash);
  return url;
}

ParseResult<ScrapeResponse> parse_scrape_response(std::span<const std::uint8_t> body) {
  if (body.size() > response_size_max) return ParseError{E::response_too_large, response_size_max};
  const auto document = bencode::decode(body, response_limits);
  if (!document) return document.error();
  const auto dict = root_dictionary(*document);
  if (!dict) return dict.error();
  ScrapeResponse response;
  auto failure = optional_text(*dict, "failure reason");
  if (!failure) return failure.error();
  if (*failure) {
    response.failure_reason = std::move(*failure);
    return response;
  }
  const auto files = fields::optional_container<E>(*dict, "files", bencode::Type::dict);
  if (!files) return files.error();
  if (!*files) return ParseError{E::missing_field, dict->offset()};
  for (const bencode::DictEntry& entry : (*files)->entries()) {
    auto file = decode_scrape_entry(entry);
    if (!file) return file.error();
    response.files.push_back(*file);
  }
  return response;
}

}  // namespace swarmlab::protocol::tracker_http
