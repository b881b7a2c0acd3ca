// Typed, bounded lookups of dictionary fields in a decoded bencode document, shared by the codecs
// built on bencode (extension messages, HTTP tracker, KRPC). Each codec's error enum `E` names the
// faults: E::missing_field, E::wrong_type, E::value_out_of_range, E::value_too_long. Offsets point
// at the offending value (or, for a missing field, at its dictionary).
#pragma once

#include "protocol/bencode.hpp"
#include "protocol/error.hpp"

#include <cstdint>
#include <optional>
#include <string_view>

namespace swarmlab::protocol::bencode_fields {

template <class E>
ParseResult<std::optional<std::int64_t>> optional_integer(bencode::Node dict, std::string_view key,
                                                          std::int64_t min, std::int64_t max) {
  const auto node = dict.find(key);
  if (!node) return std::optional<std::int64_t>();
  if (!node->is_integer()) return ParseError{E::wrong_type, node->offset()};
  const std::int64_t value = node->integer();
  if (value < min || value > max) return ParseError{E::value_out_of_range, node->offset()};
  return std::optional(value);
}

template <class E>
ParseResult<std::int64_t> required_integer(bencode::Node dict, std::string_view key,
                                           std::int64_t min, std::int64_t max) {
  auto value = optional_integer<E>(dict, key, min, max);
  if (!value) return value.error();
  if (!*value) return ParseError{E::missing_field, dict.offset()};
  return **value;
}

template <class E>
ParseResult<std::optional<std::string_view>> optional_string(bencode::Node dict,
                                                             std::string_view key,
                                                             std::size_t size_max) {
  const auto node = dict.find(key);
  if (!node) return std::optional<std::string_view>();
  if (!node->is_string()) return ParseError{E::wrong_type, node->offset()};
  if (node->string().size() > size_max) return ParseError{E::value_too_long, node->offset()};
  return std::optional(node->string());
}

template <class E>
ParseResult<std::string_view> required_string(bencode::Node dict, std::string_view key,
                                              std::size_t size_max) {
  auto value = optional_string<E>(dict, key, size_max);
  if (!value) return value.error();
  if (!*value) return ParseError{E::missing_field, dict.offset()};
  return **value;
}

// A dictionary or list field (`type` is bencode::Type::dict or ::list).
template <class E>
ParseResult<std::optional<bencode::Node>> optional_container(bencode::Node dict,
                                                             std::string_view key,
                                                             bencode::Type type) {
  const auto node = dict.find(key);
  if (!node) return std::optional<bencode::Node>();
  if (node->type() != type) return ParseError{E::wrong_type, node->offset()};
  return node;
}

}  // namespace swarmlab::protocol::bencode_fields
