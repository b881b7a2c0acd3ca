#include "protocol/magnet.hpp"

#include "protocol/error_category.hpp"
#include "protocol/host_name.hpp"
#include "protocol/percent_encoding.hpp"

#include <algorithm>
#include <cassert>
#include <charconv>

namespace swarmlab::protocol {
namespace {

constexpr std::string_view magnet_prefix = "magnet:?";
constexpr std::string_view btih_prefix = "urn:btih:";
constexpr std::string_view btmh_prefix = "urn:btmh:";
// Multihash header of a SHA2-256 digest: function code 0x12, digest length 0x20.
constexpr std::string_view sha256_multihash_header_hex = "1220";

const char* describe(MagnetError error) {
  switch (error) {
    case MagnetError::not_magnet:
      return "not a magnet URI (expected \"magnet:?\")";
    case MagnetError::uri_too_long:
      return "magnet URI too long";
    case MagnetError::too_many_parameters:
      return "too many magnet parameters";
    case MagnetError::parameter_without_value:
      return "magnet parameter without '='";
    case MagnetError::bad_percent_escape:
      return "bad percent escape in magnet URI";
    case MagnetError::bad_btih:
      return "urn:btih: info-hash is neither 40 hexadecimal nor 32 base32 characters";
    case MagnetError::bad_btmh:
      return "urn:btmh: value is not a hexadecimal SHA2-256 multihash";
    case MagnetError::conflicting_info_hashes:
      return "magnet URI carries two different info-hashes";
    case MagnetError::missing_info_hash:
      return "magnet URI has no xt=urn:btih: or xt=urn:btmh:";
    case MagnetError::bad_peer_address:
      return "x.pe is not host:port, ipv4:port or [ipv6]:port";
    case MagnetError::bad_select_only:
      return "so is not a list of file indices and ranges";
    case MagnetError::too_many_select_only:
      return "too many so entries";
    case MagnetError::v2_only:
      return "magnet link has only a v2 (urn:btmh:) info-hash; only v1 (urn:btih:) torrents can "
             "be downloaded";
  }
  return "unknown magnet error";
}

ParseError magnet_error(MagnetError error, std::size_t offset) {
  return ParseError{error, offset};
}

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  return std::equal(prefix.begin(), prefix.end(), text.begin(), [](char left, char right) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    return lower(left) == lower(right);
  });
}

bool all_digits(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::optional<std::uint32_t> parse_uint32(std::string_view text) {
  if (!all_digits(text)) return std::nullopt;
  std::uint32_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// RFC 4648 base32 (A-Z, 2-7), case-insensitive, no padding: 32 characters carry 160 bits.
std::optional<InfoHash> decode_base32_info_hash(std::string_view text) {
  static_assert(sizeof(InfoHash) * 8 == 32 * 5);
  if (text.size() != 32) return std::nullopt;
  InfoHash hash{};
  std::uint64_t bits = 0;
  int bit_count = 0;
  std::size_t written = 0;
  for (const char character : text) {
    int value = -1;
    if (character >= 'A' && character <= 'Z') value = character - 'A';
    if (character >= 'a' && character <= 'z') value = character - 'a';
    if (character >= '2' && character <= '7') value = character - '2' + 26;
    if (value < 0) return std::nullopt;
    bits = bits << 5 | static_cast<std::uint64_t>(value);
    bit_count += 5;
    if (bit_count >= 8) {
      bit_count -= 8;
      hash[written++] = static_cast<std::uint8_t>(bits >> bit_count);
    }
  }
  assert(written == hash.size());
  assert(bit_count == 0);
  return hash;
}

// Strips a numeric suffix (`tr.1` -> `tr`), as some generators number repeated parameters.
std::string_view base_name(std::string_view name) {
  const std::size_t dot = name.rfind('.');
  if (dot == std::string_view::npos || !all_digits(name.substr(dot + 1))) return name;
  return name.substr(0, dot);
}

template <class Hash>
std::optional<ParseError> store_hash(std::optional<Hash>& slot, const Hash& hash,
                                     std::size_t offset) {
  if (slot && *slot != hash) return magnet_error(MagnetError::conflicting_info_hashes, offset);
  slot = hash;
  return std::nullopt;
}

std::optional<ParseError> apply_exact_topic(MagnetLink& link, std::string_view value,
                                            std::size_t offset) {
  if (starts_with_ignoring_case(value, btih_prefix)) {
    const std::string_view digits = value.substr(btih_prefix.size());
    auto hash = digits.size() == 40 ? from_hex<20>(digits) : decode_base32_info_hash(digits);
    if (!hash) return magnet_error(MagnetError::bad_btih, offset);
    return store_hash(link.info_hash, *hash, offset);
  }
  if (starts_with_ignoring_case(value, btmh_prefix)) {
    const std::string_view multihash = value.substr(btmh_prefix.size());
    if (!starts_with_ignoring_case(multihash, sha256_multihash_header_hex)) {
      return magnet_error(MagnetError::bad_btmh, offset);
    }
    const auto hash = from_hex<32>(multihash.substr(sha256_multihash_header_hex.size()));
    if (!hash) return magnet_error(MagnetError::bad_btmh, offset);
    return store_hash(link.info_hash_v2, *hash, offset);
  }
  return std::nullopt;  // Another network's exact topic.
}

bool is_hostname_with_port(std::string_view text) {
  const std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) return false;
  const auto port = parse_uint32(text.substr(colon + 1));
  if (!port || *port == 0 || *port > 65535) return false;
  return is_host_name(text.substr(0, colon));
}

std::optional<ParseError> apply_peer(MagnetLink& link, const std::string& value,
                                     std::size_t offset) {
  if (const auto peer = PeerAddress::parse(value)) {
    link.peers.push_back(*peer);
    return std::nullopt;
  }
  if (!is_hostname_with_port(value)) return magnet_error(MagnetError::bad_peer_address, offset);
  link.peer_hostnames.push_back(value);
  return std::nullopt;
}

std::optional<ParseError> apply_select_only(MagnetLink& link, std::string_view value,
                                            std::size_t offset) {
  std::size_t position = 0;
  while (position <= value.size()) {
    std::size_t end = value.find(',', position);
    if (end == std::string_view::npos) end = value.size();
    const std::string_view item = value.substr(position, end - position);
    const std::size_t dash = item.find('-');
    const auto first = parse_uint32(item.substr(0, dash));
    const auto last = dash == std::string_view::npos ? first : parse_uint32(item.substr(dash + 1));
    if (!first || !last || *last < *first) {
      return magnet_error(MagnetError::bad_select_only, offset);
    }
    if (link.select_only.size() == magnet_select_only_range_count_max) {
      return magnet_error(MagnetError::too_many_select_only, offset);
    }
    link.select_only.push_back(FileIndexRange{.first = *first, .last = *last});
    position = end + 1;
  }
  return std::nullopt;
}

// Applies one `name=value` parameter whose value starts at `offset` in the URI.
std::optional<ParseError> apply_parameter(MagnetLink& link, std::string_view name,
                                          std::string_view raw_value, std::size_t offset) {
  const std::string_view base = base_name(name);
  const auto plus = base == "dn" ? PlusMeaning::space : PlusMeaning::literal_plus;
  auto value = percent_decode(raw_value, plus);
  if (!value) return magnet_error(MagnetError::bad_percent_escape, offset + value.error().offset);
  if (base == "xt") return apply_exact_topic(link, *value, offset);
  // An empty tracker or web seed names nothing (`tr=`, as some generators leave it): skipped.
  if (base == "tr" && !value->empty()) link.trackers.push_back(std::move(*value));
  if (base == "ws" && !value->empty()) link.web_seeds.push_back(std::move(*value));
  if (base == "dn" && link.display_name.empty()) link.display_name = std::move(*value);
  if (base == "x.pe") return apply_peer(link, *value, offset);
  if (base == "so") return apply_select_only(link, *value, offset);
  return std::nullopt;
}

}  // namespace

const std::error_category& magnet_error_category() {
  static const EnumErrorCategory<MagnetError> category("magnet", describe);
  return category;
}

ParseResult<MagnetLink> parse_magnet(std::string_view uri) {
  if (uri.size() > magnet_uri_size_max) {
    return magnet_error(MagnetError::uri_too_long, magnet_uri_size_max);
  }
  if (!starts_with_ignoring_case(uri, magnet_prefix)) {
    return magnet_error(MagnetError::not_magnet, 0);
  }
  MagnetLink link;
  std::size_t parameter_count = 0;
  std::size_t position = magnet_prefix.size();
  while (position < uri.size()) {
    std::size_t end = uri.find('&', position);
    if (end == std::string_view::npos) end = uri.size();
    const std::string_view parameter = uri.substr(position, end - position);
    if (!parameter.empty()) {
      if (++parameter_count > magnet_parameter_count_max) {
        return magnet_error(MagnetError::too_many_parameters, position);
      }
      const std::size_t equals = parameter.find('=');
      if (equals == std::string_view::npos) {
        return magnet_error(MagnetError::parameter_without_value, position);
      }
      const auto failure = apply_parameter(link, parameter.substr(0, equals),
                                           parameter.substr(equals + 1), position + equals + 1);
      if (failure) return *failure;
    }
    position = end + 1;
  }
  if (!link.info_hash && !link.info_hash_v2) {
    return magnet_error(MagnetError::missing_info_hash, uri.size());
  }
  return link;
}

std::string to_magnet_uri(const MagnetLink& link) {
  assert(link.info_hash || link.info_hash_v2);
  std::string uri(magnet_prefix);
  bool first = true;
  const auto add = [&](std::string_view name) {
    if (!first) uri.push_back('&');
    first = false;
    uri.append(name).push_back('=');
  };
  if (link.info_hash) {
    add("xt");
    uri.append(btih_prefix).append(to_hex(*link.info_hash));
  }
  if (link.info_hash_v2) {
    add("xt");
    uri.append(btmh_prefix).append(sha256_multihash_header_hex).append(to_hex(*link.info_hash_v2));
  }
  const auto add_encoded = [&](std::string_view name, std::string_view value) {
    add(name);
    append_percent_encoded(uri, value);
  };
  if (!link.display_name.empty()) add_encoded("dn", link.display_name);
  for (const auto& tracker : link.trackers)
    add_encoded("tr", tracker);
  for (const auto& seed : link.web_seeds)
    add_encoded("ws", seed);
  for (const auto& peer : link.peers)
    add_encoded("x.pe", peer.to_string());
  for (const auto& host : link.peer_hostnames)
    add_encoded("x.pe", host);
  for (std::size_t index = 0; index < link.select_only.size(); ++index) {
    const FileIndexRange range = link.select_only[index];
    assert(range.first <= range.last);
    if (index == 0) add("so");
    if (index > 0) uri.push_back(',');
    uri.append(std::to_string(range.first));
    if (range.last != range.first) uri.append("-").append(std::to_string(range.last));
  }
  return uri;
}

std::error_code check_downloadable(const MagnetLink& link) {
  assert(link.info_hash || link.info_hash_v2);
  if (!link.info_hash) return MagnetError::v2_only;
  return {};
}

}  // namespace swarmlab::protocol
