// ut_pex (BEP 11): added / added.f / dropped for IPv4 and added6 / added6.f / dropped6 for IPv6,
// each a string of compact entries (6 or 18 bytes) and, for the flags, one byte per added peer.
#include "protocol/bencode.hpp"
#include "protocol/bencode_fields.hpp"
#include "protocol/extension.hpp"
#include "protocol/extension_internal.hpp"

#include <cassert>

namespace swarmlab::protocol::extension {
namespace {

namespace fields = bencode_fields;
using E = ExtensionError;

// Six known keys and perhaps a few unknown ones, all flat.
constexpr bencode::Limits pex_limits{.depth_max = 2, .token_count_max = 64};

struct FamilyKeys {
  std::string_view added;
  std::string_view flags;
  std::string_view dropped;
  std::size_t entry_size;
};
constexpr FamilyKeys ipv4_keys{"added", "added.f", "dropped", compact_ipv4_size_bytes};
constexpr FamilyKeys ipv6_keys{"added6", "added6.f", "dropped6", compact_ipv6_size_bytes};

// Appends the entries of one compact list (absent: nothing) to `peers`; returns the count.
ParseResult<std::size_t> decode_compact_list(bencode::Node dict, std::string_view key,
                                             std::size_t entry_size,
                                             std::vector<PeerAddress>& peers) {
  const auto text = fields::optional_string<E>(dict, key, pex_peer_count_max * entry_size);
  if (!text) {
    if (text.error().code == make_error_code(E::value_too_long)) {
      return ParseError{E::too_many_peers, text.error().offset};
    }
    return text.error();
  }
  if (!*text) return std::size_t{0};
  const std::string_view bytes = **text;
  if (bytes.size() % entry_size != 0) {
    return ParseError{E::peer_list_misaligned, dict.find(key)->offset()};
  }
  for (std::size_t offset = 0; offset < bytes.size(); offset += entry_size) {
    const auto entry = reinterpret_cast<const std::uint8_t*>(bytes.data() + offset);
    const auto peer = parse_compact(std::span(entry, entry_size));
    assert(peer);
    peers.push_back(*peer);
  }
  return bytes.size() / entry_size;
}

std::optional<ParseError> decode_family(bencode::Node dict, const FamilyKeys& keys,
                                        PexMessage& message) {
  std::vector<PeerAddress> added;
  const auto added_count = decode_compact_list(dict, keys.added, keys.entry_size, added);
  if (!added_count) return added_count.error();
  const auto flags = fields::optional_string<E>(dict, keys.flags, pex_peer_count_max);
  if (!flags) return flags.error();
  if (*flags && (*flags)->size() != added.size()) {
    return ParseError{E::pex_flags_mismatch, dict.find(keys.flags)->offset()};
  }
  for (std::size_t index = 0; index < added.size(); ++index) {
    const auto flag = *flags ? static_cast<std::uint8_t>((**flags)[index]) : std::uint8_t{0};
    message.added.push_back(PexPeer{.address = added[index], .flags = flag});
  }
  const auto dropped = decode_compact_list(dict, keys.dropped, keys.entry_size, message.dropped);
  if (!dropped) return dropped.error();
  return std::nullopt;
}

void encode_added(bencode::Encoder& encoder, std::span<const PexPeer> peers, const FamilyKeys& keys,
                  PeerAddress::Family family) {
  std::string added;
  std::string flags;
  for (const PexPeer& peer : peers) {
    if (peer.address.family != family) continue;
    append_compact(added, peer.address);
    flags.push_back(static_cast<char>(peer.flags));
  }
  assert(added.size() <= pex_peer_count_max * keys.entry_size);
  assert(flags.size() * keys.entry_size == added.size());
  if (!added.empty()) encoder.key(keys.added).string(added).key(keys.flags).string(flags);
}

void encode_dropped(bencode::Encoder& encoder, std::span<const PeerAddress> peers,
                    const FamilyKeys& keys, PeerAddress::Family family) {
  std::string dropped;
  for (const PeerAddress& peer : peers) {
    if (peer.family == family) append_compact(dropped, peer);
  }
  assert(dropped.size() <= pex_peer_count_max * keys.entry_size);
  if (!dropped.empty()) encoder.key(keys.dropped).string(dropped);
}

}  // namespace

ParseResult<PexMessage> decode_pex(std::span<const std::uint8_t> payload) {
  const auto document = bencode::decode(payload, pex_limits);
  if (!document) return document.error();
  const auto dict = root_dictionary(*document);
  if (!dict) return dict.error();
  const bool has_list = dict->find("added") || dict->find("added6") || dict->find("dropped") ||
                        dict->find("dropped6");
  if (!has_list) return ParseError{E::pex_empty, dict->offset()};
  PexMessage message;
  if (const auto error = decode_family(*dict, ipv4_keys, message)) return *error;
  if (const auto error = decode_family(*dict, ipv6_keys, message)) return *error;
  return message;
}

std::string encode_pex(const PexMessage& message) {
  std::string out;
  bencode::Encoder encoder(out);
  encoder.begin_dict();
  // Keys in byte order: added, added.f, added6, added6.f, dropped, dropped6. The IPv6 added keys
  // sort between the IPv4 added and dropped keys, so each family's lists are written separately.
  const bool empty = message.added.empty() && message.dropped.empty();
  if (empty) encoder.key("added").string(std::string_view());
  encode_added(encoder, message.added, ipv4_keys, PeerAddress::Family::ipv4);
  encode_added(encoder, message.added, ipv6_keys, PeerAddress::Family::ipv6);
  encode_dropped(encoder, message.dropped, ipv4_keys, PeerAddress::Family::ipv4);
  encode_dropped(encoder, message.dropped, ipv6_keys, PeerAddress::Family::ipv6);
  encoder.end();
  return out;
}

}  // namespace swarmlab::protocol::extension
