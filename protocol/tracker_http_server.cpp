// HTTP tracker, server side: announce and scrape query parsing, response encoding.
#include "protocol/bencode.hpp"
#include "protocol/percent_encoding.hpp"
#include "protocol/tracker_http.hpp"

#include <algorithm>
#include <array>
#include <cassert>
#include <charconv>
#include <cstring>
#include <limits>

namespace swarmlab::protocol::tracker_http {
namespace {

using E = TrackerHttpError;

struct QueryParameter {
  std::string_view name;
  std::string value;  // percent-decoded
  std::size_t value_offset = 0;
};

// Splits and decodes `query` ("a=1&b=%20"), strictly: every parameter needs '=' and escapes must
// be complete. Empty parameters ("a=1&&b=2") are skipped. '+' means a space (form encoding).
ParseResult<std::vector<QueryParameter>> split_query(std::string_view query) {
  if (query.size() > query_size_max) return ParseError{E::query_too_long, query_size_max};
  std::vector<QueryParameter> parameters;
  std::size_t position = 0;
  while (position < query.size()) {
    std::size_t end = query.find('&', position);
    if (end == std::string_view::npos) end = query.size();
    const std::string_view text = query.substr(position, end - position);
    if (!text.empty()) {
      if (parameters.size() == query_parameter_count_max) {
        return ParseError{E::too_many_parameters, position};
      }
      const std::size_t equals = text.find('=');
      if (equals == std::string_view::npos) return ParseError{E::parameter_without_value, position};
      const std::size_t value_offset = position + equals + 1;
      auto value = percent_decode(text.substr(equals + 1), PlusMeaning::space);
      if (!value) return ParseError{E::bad_percent_escape, value_offset + value.error().offset};
      parameters.push_back(QueryParameter{.name = text.substr(0, equals),
                                          .value = std::move(*value),
                                          .value_offset = value_offset});
    }
    position = end + 1;
  }
  return parameters;
}

template <class Integer>
ParseResult<Integer> parse_decimal(const QueryParameter& parameter, Integer max) {
  const std::string& text = parameter.value;
  const bool digits_only = !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return c >= '0' && c <= '9';
  });
  Integer value = 0;
  if (digits_only) {
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error == std::errc{} && end == text.data() + text.size() && value <= max) return value;
  }
  return ParseError{E::bad_number, parameter.value_offset};
}

template <std::size_t N>
ParseResult<std::array<std::uint8_t, N>> parse_id(const QueryParameter& parameter,
                                                  TrackerHttpError size_error) {
  if (parameter.value.size() != N) return ParseError{size_error, parameter.value_offset};
  std::array<std::uint8_t, N> id{};
  std::memcpy(id.data(), parameter.value.data(), N);
  return id;
}

// Clients ask for what they like: a count past numwant_max is capped, a negative one means the
// tracker's default (nullopt), as opentracker reads them; only a value that is no number fails.
ParseResult<std::optional<std::uint32_t>> parse_numwant(const QueryParameter& parameter) {
  std::string_view digits = parameter.value;
  const bool negative = digits.starts_with('-');
  if (negative) digits.remove_prefix(1);
  const bool numeric = !digits.empty() && std::all_of(digits.begin(), digits.end(),
                                                      [](char c) { return c >= '0' && c <= '9'; });
  if (!numeric) return ParseError{E::bad_number, parameter.value_offset};
  if (negative) return std::optional<std::uint32_t>();
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (error != std::errc{}) value = numwant_max;  // more digits than any count needs
  return std::optional(static_cast<std::uint32_t>(std::min<std::uint64_t>(value, numwant_max)));
}

ParseResult<Event> parse_event(const QueryParameter& parameter) {
  const std::string& value = parameter.value;
  // BEP 21's "paused" only says the client is a partial seed; it is not a swarm event.
  if (value.empty() || value == "paused") return Event::none;
  if (value == "started") return Event::started;
  if (value == "completed") return Event::completed;
  if (value == "stopped") return Event::stopped;
  return ParseError{E::bad_event, parameter.value_offset};
}

ParseResult<bool> parse_flag(const QueryParameter& parameter) {
  if (parameter.value == "0" || parameter.value == "1") return parameter.value == "1";
  return ParseError{E::bad_number, parameter.value_offset};
}

// The announce parameters this tracker reads, in the order of `seen` in apply_announce_parameter.
constexpr std::array<std::string_view, 13> announce_parameter_names = {
    "info_hash", "peer_id",    "port",    "uploaded", "downloaded", "left", "event",
    "compact",   "no_peer_id", "numwant", "key",      "trackerid",  "ip"};
constexpr std::size_t required_parameter_count = 6;

std::optional<ParseError> apply_announce_parameter(std::size_t which,
                                                   const QueryParameter& parameter,
                                                   AnnounceRequest& request) {
  constexpr auto u64_max = std::numeric_limits<std::uint64_t>::max();
  const auto store = [](auto result, auto& field) -> std::optional<ParseError> {
    if (!result) return result.error();
    field = *result;
    return std::nullopt;
  };
  switch (which) {
    case 0:
      return store(parse_id<20>(parameter, E::bad_info_hash_size), request.info_hash);
    case 1:
      return store(parse_id<20>(parameter, E::bad_peer_id_size), request.peer_id);
    case 2:
      return store(parse_decimal<std::uint16_t>(parameter, 65535), request.port);
    case 3:
      return store(parse_decimal<std::uint64_t>(parameter, u64_max), request.uploaded_bytes);
    case 4:
      return store(parse_decimal<std::uint64_t>(parameter, u64_max), request.downloaded_bytes);
    case 5:
      return store(parse_decimal<std::uint64_t>(parameter, u64_max), request.left_bytes);
    case 6:
      return store(parse_event(parameter), request.event);
    case 7:
      return store(parse_flag(parameter), request.compact);
    case 8:
      return store(parse_flag(parameter), request.no_peer_id);
    case 9:
      return store(parse_numwant(parameter), request.numwant);
    default:
      break;
  }
  if (parameter.value.size() > text_size_max) {
    return ParseError{E::value_too_long, parameter.value_offset};
  }
  if (which == 10) request.key = parameter.value;
  if (which == 11) request.tracker_id = parameter.value;
  if (which == 12) request.ip = parameter.value;
  return std::nullopt;
}

void encode_dictionary_peers(bencode::Encoder& encoder, const AnnounceResponse& response,
                             bool with_peer_id) {
  encoder.key("peers").begin_list();
  for (const TrackerPeer& peer : response.peers) {
    std::string ip = peer.address.to_string();
    ip.resize(ip.rfind(':'));
    if (!peer.address.is_ipv4()) ip = ip.substr(1, ip.size() - 2);
    encoder.begin_dict().key("ip").string(ip);
    if (with_peer_id && peer.peer_id) encoder.key("peer id").string(*peer.peer_id);
    encoder.key("port").integer(peer.address.port).end();
  }
  encoder.end();
}

void encode_compact_peers(bencode::Encoder& encoder, const AnnounceResponse& response) {
  std::string ipv4;
  std::string ipv6;
  for (const TrackerPeer& peer : response.peers) {
    append_compact(peer.address.is_ipv4() ? ipv4 : ipv6, peer.address);
  }
  encoder.key("peers").string(ipv4);
  if (!ipv6.empty()) encoder.key("peers6").string(ipv6);
}

}  // namespace

std::pair<std::string_view, std::string_view> split_target(std::string_view target) {
  // The absolute form (RFC 9112 3.2.2: "http://host:port/announce?..."), which a server must
  // accept: its path starts at the first '/' after the authority.
  for (const std::string_view scheme : {"http://", "https://"}) {
    if (!target.starts_with(scheme)) continue;
    const std::size_t path = target.find_first_of("/?", scheme.size());
    target = path == std::string_view::npos ? std::string_view("/") : target.substr(path);
    break;
  }
  const std::size_t question = target.find('?');
  if (question == std::string_view::npos) return {target, std::string_view()};
  return {target.substr(0, question), target.substr(question + 1)};
}

ParseResult<AnnounceRequest> parse_announce_query(std::string_view query) {
  auto parameters = split_query(query);
  if (!parameters) return parameters.error();
  AnnounceRequest request;
  request.compact = false;  // BEP 23: only when asked for
  std::array<bool, announce_parameter_names.size()> seen{};
  for (const QueryParameter& parameter : *parameters) {
    const auto found =
        std::find(announce_parameter_names.begin(), announce_parameter_names.end(), parameter.name);
    if (found == announce_parameter_names.end()) continue;  // other clients' extras
    const auto which = static_cast<std::size_t>(found - announce_parameter_names.begin());
    if (seen[which]) {
      return ParseError{E::duplicate_parameter, parameter.value_offset - parameter.name.size() - 1};
    }
    seen[which] = true;
    if (auto error = apply_announce_parameter(which, parameter, request)) return *error;
  }
  const auto missing = std::find(seen.begin(), seen.begin() + required_parameter_count, false);
  if (missing != seen.begin() + required_parameter_count) {
    return ParseError{E::missing_parameter, query.size()};
  }
  return request;
}

ParseResult<std::vector<InfoHash>> parse_scrape_query(std::string_view query) {
  auto parameters = split_query(query);
  if (!parameters) return parameters.error();
  std::vector<InfoHash> info_hashes;
  for (const QueryParameter& parameter : *parameters) {
    if (parameter.name != "info_hash") continue;
    if (info_hashes.size() == scrape_info_hash_count_max) {
      return ParseError{E::too_many_info_hashes, parameter.value_offset};
    }
    auto hash = parse_id<20>(parameter, E::bad_info_hash_size);
    if (!hash) return hash.error();
    info_hashes.push_back(*hash);
  }
  return info_hashes;
}

std::string encode_announce_response(const AnnounceResponse& response, PeerListFormat format) {
  assert(!response.failure_reason);
  assert(response.peer_hostnames.empty());
  assert(response.peers.size() <= peer_count_max);
  std::string out;
  bencode::Encoder encoder(out);
  encoder.begin_dict();
  if (response.complete) encoder.key("complete").integer(*response.complete);
  if (response.incomplete) encoder.key("incomplete").integer(*response.incomplete);
  encoder.key("interval").integer(response.interval_seconds);
  if (response.min_interval_seconds)
    encoder.key("min interval").integer(*response.min_interval_seconds);
  if (format == PeerListFormat::compact) {
    encode_compact_peers(encoder, response);
  } else {
    encode_dictionary_peers(encoder, response, format == PeerListFormat::dictionary);
  }
  if (response.tracker_id) encoder.key("tracker id").string(*response.tracker_id);
  if (response.warning_message) encoder.key("warning message").string(*response.warning_message);
  encoder.end();
  return out;
}

std::string encode_failure(std::string_view reason) {
  std::string out;
  bencode::Encoder(out).begin_dict().key("failure reason").string(reason).end();
  return out;
}

std::string encode_scrape_response(const ScrapeResponse& response) {
  assert(!response.failure_reason);
  auto files = response.files;
  std::sort(files.begin(), files.end(),
            [](const auto& left, const auto& right) { return left.first < right.first; });
  assert(std::adjacent_find(files.begin(), files.end(), [](const auto& left, const auto& right) {
           return left.first == right.first;
         }) == files.end());
  std::string out;
  bencode::Encoder encoder(out);
  encoder.begin_dict().key("files").begin_dict();
  for (const auto& [hash, stats] : files) {
    const std::string_view key(reinterpret_cast<const char*>(hash.data()), hash.size());
    encoder.key(key).begin_dict();
    encoder.key("complete").integer(stats.complete);
    encoder.key("downloaded").integer(stats.downloaded);
    encoder.key("incomplete").integer(stats.incomplete).end();
  }
  encoder.end().end();
  return out;
}

}  // namespace swarmlab::protocol::tracker_http
