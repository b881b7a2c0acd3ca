// Bencode (BEP 3), the encoding of .torrent files, tracker responses, extension messages and KRPC.
//
// Decoding is strict and never recurses: decode() walks the input once with an explicit stack and
// produces a Document, a flat array of tokens (one per value, plus one per container end) that
// points into the caller's buffer. Nothing is copied: strings are std::string_views into the input,
// and every value knows the exact bytes it covers (the info-hash is SHA-1 over such a span).
//
//   input   d 3:foo i42e 4:spam l 1:a e e
//   tokens  [dict][str][int][str][list][str][end][end][sentinel]
//
// Each token records its byte offset and how many tokens its subtree spans, so siblings are reached
// by skipping, and a value's byte span ends where the token after its subtree begins.
//
// Lifetimes: a Document refers to the input it was decoded from, and a Node refers to the
// Document's tokens; keep the input alive as long as the Document, and the Document as long as its
// Nodes. Moving a Document keeps its Nodes valid.
//
// Strictness (each violation has its own Error and the offset of the offending byte): no leading
// zeros, no "-0", integers within int64, string lengths checked against the remaining input before
// anything is read, dictionary keys are strings in strictly ascending byte order (so duplicates are
// rejected too), bounded nesting depth and token count, and no trailing data (unless decoding a
// prefix on purpose, as for ut_metadata pieces that follow a dictionary).
//
// Encoding: Encoder appends canonical bencode to a caller's std::string with no allocation of its
// own; dictionary keys must be written in ascending order, which it asserts.
#pragma once

#include "protocol/error.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <vector>

namespace swarmlab::protocol::bencode {

// Why a decode failed. Offsets point at the byte named in each comment.
enum class Error {
  unexpected_end = 1,         // the input ended inside a value (offset: input size)
  expected_value,             // a byte that cannot start a value (offset: that byte)
  leading_zero,               // "i03e" or "03:abc" (offset: the zero)
  negative_zero,              // "i-0e" (offset: the zero)
  empty_integer,              // "ie" or "i-e" (offset: the 'e')
  invalid_integer_character,  // "i1xe" (offset: the 'x')
  integer_overflow,           // outside int64 (offset: the digit that overflows)
  negative_length,            // "-3:abc" (offset: the '-')
  expected_colon,             // "3x" (offset: the byte where ':' belongs)
  length_exceeds_input,       // "9:abc" (offset: the first digit of the length)
  key_not_string,             // "di1ei2ee" (offset: the key)
  unsorted_key,               // "d1:b0:1:a0:e" (offset: the second key)
  duplicate_key,              // "d1:a0:1:a0:e" (offset: the second key)
  missing_value,              // "d1:ae" (offset: the 'e' that ends the dictionary early)
  depth_exceeded,             // more nested containers than Limits::depth_max (offset: the 'l'/'d')
  token_count_exceeded,       // more values than Limits::token_count_max (offset: the value)
  input_too_large,            // input longer than input_size_max (offset: input_size_max)
  trailing_data,              // bytes after the top-level value (offset: the first such byte)
};

const std::error_category& error_category();
std::error_code make_error_code(Error error);

// Token offsets are 32-bit, which bounds any one input. Larger inputs are refused outright.
inline constexpr std::size_t input_size_max = 0xFFFF'FFF0;

struct Limits {
  // Open containers at once ("lle" has depth 2).
  std::size_t depth_max = 100;
  // Tokens in the document: one per value and one per container end. A token costs 12 bytes.
  std::size_t token_count_max = 4'000'000;
  // Dictionary keys in strictly ascending order (BEP 3). Off only for input from programs known
  // to get it wrong (trackers written by hand): a dictionary found out of order is then searched
  // entry by entry, and the first of equal keys wins. Such a document cannot be re-encoded.
  bool keys_sorted = true;
};

enum class Type : std::uint8_t { integer, string, list, dict };
std::string_view type_name(Type type);

namespace detail {
enum class TokenKind : std::uint8_t { integer, string, list, dict, end };
struct Token {
  std::uint32_t offset;      // where the value starts in the input
  std::uint32_t next_delta;  // tokens to skip to reach the next sibling (1 for scalars and ends)
  TokenKind kind;
  // Strings: length digits plus ':'. Dictionaries: unsorted_keys when its keys are out of order
  // (decoded without Limits::keys_sorted). 0 otherwise.
  std::uint8_t header_size;
};
static_assert(sizeof(Token) == 12);
inline constexpr std::uint8_t unsorted_keys = 1;
}  // namespace detail

class Node;
class Encoder;
void encode(Encoder& encoder, Node node);

// One dictionary entry, in the order of the input (ascending key order).
struct DictEntry;

// Forward iteration over a container's children without counting them first.
template <class Value>
class ChildIterator;

class Node {
 public:
  Node() = default;

  Type type() const;
  bool is_integer() const { return type() == Type::integer; }
  bool is_string() const { return type() == Type::string; }
  bool is_list() const { return type() == Type::list; }
  bool is_dict() const { return type() == Type::dict; }

  // The value; the node must have that type (asserted).
  std::int64_t integer() const;
  std::string_view string() const;
  std::span<const std::uint8_t> string_bytes() const;

  // Lists. list_size() and list_item(i) walk the children: O(size) and O(i); iterate with items().
  std::size_t list_size() const;
  Node list_item(std::size_t index) const;
  class ItemRange;
  ItemRange items() const;

  // Dictionaries. find() stops early thanks to the key order (when the keys are in order).
  std::size_t dict_size() const;
  std::optional<Node> find(std::string_view key) const;
  // A value of the given type under `key`, or nullopt if it is absent or of another type.
  std::optional<std::int64_t> find_integer(std::string_view key) const;
  std::optional<std::string_view> find_string(std::string_view key) const;
  std::optional<Node> find_list(std::string_view key) const;
  std::optional<Node> find_dict(std::string_view key) const;
  class EntryRange;
  EntryRange entries() const;

  // The exact encoded bytes of this value, and where they start in the decoded input.
  std::string_view encoded() const;
  std::size_t offset() const;

 private:
  friend class Document;
  friend void encode(Encoder& encoder, Node node);
  template <class>
  friend class ChildIterator;
  Node(const detail::Token* token, const char* input) : token_(token), input_(input) {}
  const detail::Token* end_of_subtree() const { return token_ + token_->next_delta; }

  const detail::Token* token_ = nullptr;
  const char* input_ = nullptr;
};

struct DictEntry {
  std::string_view key;
  // Where the key starts, for errors about this entry.
  std::size_t key_offset;
  Node value;
};

template <class Value>
class ChildIterator {
 public:
  using value_type = Value;
  using difference_type = std::ptrdiff_t;
  using iterator_category = std::input_iterator_tag;

  ChildIterator() = default;
  ChildIterator(const detail::Token* token, const char* input) : token_(token), input_(input) {}

  Value operator*() const {
    if constexpr (std::is_same_v<Value, Node>) {
      return Node(token_, input_);
    } else {
      const Node key(token_, input_);
      return DictEntry{key.string(), key.offset(), Node(token_ + 1, input_)};
    }
  }
  ChildIterator& operator++() {
    if constexpr (std::is_same_v<Value, Node>) {
      token_ += token_->next_delta;
    } else {
      token_ += 1;  // the key
      token_ += token_->next_delta;
    }
    return *this;
  }
  ChildIterator operator++(int) {
    ChildIterator before = *this;
    ++*this;
    return before;
  }
  friend bool operator==(const ChildIterator& a, const ChildIterator& b) {
    return a.token_ == b.token_;
  }

 private:
  const detail::Token* token_ = nullptr;
  const char* input_ = nullptr;
};

class Node::ItemRange {
 public:
  using iterator = ChildIterator<Node>;
  ItemRange(iterator begin, iterator end) : begin_(begin), end_(end) {}
  iterator begin() const { return begin_; }
  iterator end() const { return end_; }

 private:
  iterator begin_, end_;
};

class Node::EntryRange {
 public:
  using iterator = ChildIterator<DictEntry>;
  EntryRange(iterator begin, iterator end) : begin_(begin), end_(end) {}
  iterator begin() const { return begin_; }
  iterator end() const { return end_; }

 private:
  iterator begin_, end_;
};

// A decoded value: the token array plus a view of the bytes it was decoded from.
class Document {
 public:
  Node root() const;
  // The bytes the top-level value covers (all of the input unless decoded as a prefix).
  std::string_view encoded() const { return encoded_; }
  std::size_t token_count() const { return tokens_.size() - 1; }

 private:
  friend class Decoder;
  std::vector<detail::Token> tokens_;
  std::string_view encoded_;
};

// Decodes exactly one value spanning the whole input.
ParseResult<Document> decode(std::string_view input, const Limits& limits = {});
ParseResult<Document> decode(std::span<const std::uint8_t> input, const Limits& limits = {});
// Decodes one value at the start of the input and ignores what follows it; the value's size is
// document.encoded().size().
ParseResult<Document> decode_prefix(std::string_view input, const Limits& limits = {});
ParseResult<Document> decode_prefix(std::span<const std::uint8_t> input, const Limits& limits = {});

// Appends canonical bencode to `out`. Containers nest up to nesting_max deep; dictionary entries
// are written as key(...) followed by one value, with keys in strictly ascending byte order
// (asserted).
//
//   Encoder e(out);
//   e.begin_dict().key("interval").integer(1800).key("peers").string(compact).end();
class Encoder {
 public:
  // As deep as the decoder's default, so that every document it accepts can be re-encoded.
  static constexpr std::size_t nesting_max = 100;

  explicit Encoder(std::string& out) : out_(out) {}

  Encoder& integer(std::int64_t value);
  Encoder& string(std::string_view value);
  Encoder& string(std::span<const std::uint8_t> value);
  Encoder& begin_list();
  Encoder& begin_dict();
  Encoder& key(std::string_view key);
  // Closes the innermost open list or dictionary.
  Encoder& end();
  // Appends an already encoded value as is (e.g. an info dictionary kept verbatim); asserts only
  // that it is non-empty.
  Encoder& raw(std::string_view encoded_value);

  // True when the innermost open container is a dictionary waiting for a key.
  bool expects_key() const;
  std::size_t depth() const { return depth_; }

 private:
  struct Frame {
    bool is_dict = false;
    bool has_key = false;  // a key was written and its value is pending
    bool has_last_key = false;
    // The previous key's bytes in out_, as offsets since out_ may reallocate.
    std::size_t last_key_offset = 0;
    std::size_t last_key_size = 0;
  };
  void before_value();
  void append_string(std::string_view value);
  Encoder& open(char marker, bool is_dict);

  std::string& out_;
  std::array<Frame, nesting_max> frames_{};
  std::size_t depth_ = 0;
};

static_assert(Encoder::nesting_max >= Limits{}.depth_max,
              "the encoder must be able to re-encode what the decoder accepts by default");

// Re-encodes a decoded value canonically (iteratively). For any input decode() accepts, the result
// equals the input byte for byte.
void encode(Encoder& encoder, Node node);
std::string encode(Node node);

}  // namespace swarmlab::protocol::bencode

template <>
struct std::is_error_code_enum<swarmlab::protocol::bencode::Error> : std::true_type {};
