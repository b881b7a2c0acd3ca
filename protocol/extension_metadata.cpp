// ut_metadata (BEP 9): request, data (dictionary then the piece bytes) and reject.
#include "protocol/bencode.hpp"
#include "protocol/bencode_fields.hpp"
#include "protocol/extension.hpp"
#include "protocol/extension_internal.hpp"

#include <algorithm>
#include <cassert>

namespace swarmlab::protocol::extension {
namespace {

namespace fields = bencode_fields;
using E = ExtensionError;

// {msg_type, piece, total_size} and perhaps a few unknown keys.
constexpr bencode::Limits metadata_limits{.depth_max = 2, .token_count_max = 32};

std::optional<ParseError> check_data(const MetadataMessage& message, std::size_t data_offset) {
  if (message.piece >= metadata_piece_count(message.total_size_bytes)) {
    return ParseError{E::metadata_piece_out_of_range, data_offset};
  }
  if (message.data.size() != metadata_piece_size(message.total_size_bytes, message.piece)) {
    return ParseError{E::metadata_piece_wrong_size, data_offset};
  }
  return std::nullopt;
}

}  // namespace

bool operator==(const MetadataMessage& left, const MetadataMessage& right) {
  return left.type == right.type && left.piece == right.piece &&
         left.total_size_bytes == right.total_size_bytes &&
         std::ranges::equal(left.data, right.data);
}

std::uint32_t metadata_piece_count(std::uint64_t total_size_bytes) {
  assert(total_size_bytes <= metadata_size_max);
  return static_cast<std::uint32_t>((total_size_bytes + metadata_piece_size_bytes - 1) /
                                    metadata_piece_size_bytes);
}

std::size_t metadata_piece_size(std::uint64_t total_size_bytes, std::uint32_t piece) {
  assert(piece < metadata_piece_count(total_size_bytes));
  const std::uint64_t begin = std::uint64_t{piece} * metadata_piece_size_bytes;
  return static_cast<std::size_t>(
      std::min<std::uint64_t>(metadata_piece_size_bytes, total_size_bytes - begin));
}

ParseResult<MetadataMessage> decode_metadata_message(std::span<const std::uint8_t> payload) {
  const auto document = bencode::decode_prefix(payload, metadata_limits);
  if (!document) return document.error();
  const auto dict = root_dictionary(*document);
  if (!dict) return dict.error();
  const auto type = fields::required_integer<E>(*dict, "msg_type", 0, INT64_MAX);
  if (!type) return type.error();
  if (*type > static_cast<std::int64_t>(MetadataMessageType::reject)) {
    return ParseError{E::unknown_metadata_message_type, dict->find("msg_type")->offset()};
  }
  const auto piece = fields::required_integer<E>(*dict, "piece", 0, INT64_MAX);
  if (!piece) return piece.error();
  if (*piece >= static_cast<std::int64_t>(metadata_piece_count_max)) {
    return ParseError{E::metadata_piece_out_of_range, dict->find("piece")->offset()};
  }
  MetadataMessage message;
  message.type = static_cast<MetadataMessageType>(*type);
  message.piece = static_cast<std::uint32_t>(*piece);
  const std::size_t data_offset = document->encoded().size();
  const auto trailing = payload.subspan(data_offset);
  if (message.type != MetadataMessageType::data) {
    if (!trailing.empty()) return ParseError{E::metadata_trailing_data, data_offset};
    return message;
  }
  const auto total = fields::required_integer<E>(*dict, "total_size", 1, metadata_size_max);
  if (!total) return total.error();
  message.total_size_bytes = static_cast<std::uint64_t>(*total);
  message.data = trailing;
  if (const auto error = check_data(message, data_offset)) return *error;
  return message;
}

std::string encode_metadata_message(const MetadataMessage& message) {
  const bool is_data = message.type == MetadataMessageType::data;
  if (is_data)
    assert(message.data.size() == metadata_piece_size(message.total_size_bytes, message.piece));
  if (!is_data) assert(message.data.empty());
  std::string out;
  bencode::Encoder encoder(out);
  encoder.begin_dict();
  encoder.key("msg_type").integer(static_cast<std::int64_t>(message.type));
  encoder.key("piece").integer(message.piece);
  if (is_data)
    encoder.key("total_size").integer(static_cast<std::int64_t>(message.total_size_bytes));
  encoder.end();
  out.append(reinterpret_cast<const char*>(message.data.data()), message.data.size());
  return out;
}

}  // namespace swarmlab::protocol::extension
