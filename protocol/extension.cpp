#include "protocol/extension.hpp"

#include "protocol/bencode.hpp"
#include "protocol/bencode_fields.hpp"
#include "protocol/error_category.hpp"
#include "protocol/extension_internal.hpp"

#include <algorithm>
#include <cassert>
#include <cstring>

namespace swarmlab::protocol::extension {
namespace {

using bencode::Node;
namespace fields = bencode_fields;
using E = ExtensionError;

const char* describe(ExtensionError error) {
  switch (error) {
    case E::not_a_dictionary:
      return "extension message is not a bencoded dictionary";
    case E::missing_field:
      return "extension message lacks a required key";
    case E::wrong_type:
      return "extension message key has a value of the wrong type";
    case E::value_out_of_range:
      return "extension message integer out of range";
    case E::value_too_long:
      return "extension message string too long";
    case E::bad_address_size:
      return "extension handshake address of the wrong size";
    case E::too_many_extensions:
      return "extension handshake lists too many extensions";
    case E::duplicate_extension_id:
      return "extension handshake gives two extensions one id";
    case E::unknown_metadata_message_type:
      return "unknown ut_metadata message type";
    case E::metadata_trailing_data:
      return "ut_metadata request or reject with trailing bytes";
    case E::metadata_piece_out_of_range:
      return "ut_metadata piece index out of range";
    case E::metadata_piece_wrong_size:
      return "ut_metadata piece has the wrong size";
    case E::peer_list_misaligned:
      return "ut_pex peer list is not a whole number of entries";
    case E::pex_flags_mismatch:
      return "ut_pex flags do not match the number of added peers";
    case E::too_many_peers:
      return "ut_pex list has too many peers";
    case E::pex_empty:
      return "ut_pex message without added or dropped peers";
  }
  return "unknown extension message error";
}

// A handshake is a flat dictionary plus `m`: a few keys and up to extension_count_max names.
constexpr bencode::Limits handshake_limits{.depth_max = 3,
                                           .token_count_max = 2 * extension_count_max + 64};

ParseResult<std::map<std::string, std::uint8_t>> decode_extension_ids(Node m) {
  std::map<std::string, std::uint8_t> messages;
  std::array<bool, 256> id_taken{};
  for (const bencode::DictEntry& entry : m.entries()) {
    if (messages.size() == extension_count_max) {
      return ParseError{E::too_many_extensions, entry.key_offset};
    }
    if (entry.key.size() > extension_name_size_max) {
      return ParseError{E::value_too_long, entry.key_offset};
    }
    if (!entry.value.is_integer()) return ParseError{E::wrong_type, entry.value.offset()};
    const std::int64_t id = entry.value.integer();
    if (id < 0 || id > 255) return ParseError{E::value_out_of_range, entry.value.offset()};
    if (id != 0 && id_taken[static_cast<std::size_t>(id)]) {
      return ParseError{E::duplicate_extension_id, entry.value.offset()};
    }
    id_taken[static_cast<std::size_t>(id)] = true;
    messages.emplace(entry.key, static_cast<std::uint8_t>(id));
  }
  return messages;
}

template <std::size_t N>
ParseResult<std::optional<std::array<std::uint8_t, N>>> decode_address(Node dict,
                                                                       std::string_view key) {
  auto text = fields::optional_string<E>(dict, key, N);
  if (!text) return text.error();
  if (!*text) return std::optional<std::array<std::uint8_t, N>>();
  if ((*text)->size() != N) return ParseError{E::bad_address_size, dict.find(key)->offset()};
  std::array<std::uint8_t, N> address{};
  std::memcpy(address.data(), (*text)->data(), N);
  return std::optional(address);
}

ParseResult<std::optional<PeerAddress>> decode_your_ip(Node dict) {
  auto text = fields::optional_string<E>(dict, "yourip", 16);
  if (!text) return text.error();
  if (!*text) return std::optional<PeerAddress>();
  const std::string_view bytes = **text;
  if (bytes.size() != 4 && bytes.size() != 16) {
    return ParseError{E::bad_address_size, dict.find("yourip")->offset()};
  }
  PeerAddress address;
  address.family = bytes.size() == 4 ? PeerAddress::Family::ipv4 : PeerAddress::Family::ipv6;
  std::memcpy(address.address.data(), bytes.data(), bytes.size());
  return std::optional(address);
}

// The scalar keys of the handshake.
std::optional<ParseError> decode_handshake_scalars(Node dict, ExtensionHandshake& handshake) {
  const auto port = fields::optional_integer<E>(dict, "p", 0, 65535);
  if (!port) return port.error();
  if (*port) handshake.listen_port = static_cast<std::uint16_t>(**port);
  const auto client = fields::optional_string<E>(dict, "v", client_name_size_max);
  if (!client) return client.error();
  if (*client) handshake.client = std::string(**client);
  const auto queue = fields::optional_integer<E>(dict, "reqq", 0, request_queue_size_max);
  if (!queue) return queue.error();
  if (*queue) handshake.request_queue_size = static_cast<std::uint32_t>(**queue);
  const auto size = fields::optional_integer<E>(dict, "metadata_size", 0, metadata_size_max);
  if (!size) return size.error();
  if (*size) handshake.metadata_size = static_cast<std::uint64_t>(**size);
  return std::nullopt;
}

}  // namespace

const std::error_category& extension_error_category() {
  static const EnumErrorCategory<ExtensionError> category("extension", describe);
  return category;
}

std::uint8_t ExtensionHandshake::id_of(std::string_view name) const {
  const auto found = messages.find(std::string(name));
  return found == messages.end() ? 0 : found->second;
}

ParseResult<ExtensionHandshake> decode_handshake(std::span<const std::uint8_t> payload) {
  const auto document = bencode::decode(payload, handshake_limits);
  if (!document) return document.error();
  const auto dict = root_dictionary(*document);
  if (!dict) return dict.error();
  ExtensionHandshake handshake;
  const auto m = fields::optional_container<E>(*dict, "m", bencode::Type::dict);
  if (!m) return m.error();
  if (*m) {
    auto messages = decode_extension_ids(**m);
    if (!messages) return messages.error();
    handshake.messages = std::move(*messages);
  }
  if (const auto error = decode_handshake_scalars(*dict, handshake)) return *error;
  auto your_ip = decode_your_ip(*dict);
  if (!your_ip) return your_ip.error();
  handshake.your_ip = *your_ip;
  auto ipv4 = decode_address<4>(*dict, "ipv4");
  if (!ipv4) return ipv4.error();
  handshake.ipv4 = *ipv4;
  auto ipv6 = decode_address<16>(*dict, "ipv6");
  if (!ipv6) return ipv6.error();
  handshake.ipv6 = *ipv6;
  return handshake;
}

std::string encode_handshake(const ExtensionHandshake& handshake) {
  std::string out;
  bencode::Encoder encoder(out);
  encoder.begin_dict();
  if (handshake.ipv4) encoder.key("ipv4").string(*handshake.ipv4);
  if (handshake.ipv6) encoder.key("ipv6").string(*handshake.ipv6);
  encoder.key("m").begin_dict();
  for (const auto& [name, id] : handshake.messages)
    encoder.key(name).integer(id);
  encoder.end();
  if (handshake.metadata_size) {
    assert(*handshake.metadata_size <= metadata_size_max);
    encoder.key("metadata_size").integer(static_cast<std::int64_t>(*handshake.metadata_size));
  }
  if (handshake.listen_port) encoder.key("p").integer(*handshake.listen_port);
  if (handshake.request_queue_size) encoder.key("reqq").integer(*handshake.request_queue_size);
  if (handshake.client) encoder.key("v").string(*handshake.client);
  if (handshake.your_ip) encoder.key("yourip").string(handshake.your_ip->address_bytes());
  encoder.end();
  assert(encoder.depth() == 0);
  return out;
}

}  // namespace swarmlab::protocol::extension
