// Bencode decoder (iterative, explicit stack, flat tokens), the Node view, and the Encoder.
#include "protocol/bencode.hpp"

#include <cassert>
#include <charconv>
#include <limits>

namespace swarmlab::protocol::bencode {
namespace {

using detail::Token;
using detail::TokenKind;

class Category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "bencode"; }
  std::string message(int value) const override {
    switch (static_cast<Error>(value)) {
      case Error::unexpected_end:
        return "bencode: input ends inside a value";
      case Error::expected_value:
        return "bencode: byte cannot start a value";
      case Error::leading_zero:
        return "bencode: number with a leading zero";
      case Error::negative_zero:
        return "bencode: negative zero";
      case Error::empty_integer:
        return "bencode: integer without digits";
      case Error::invalid_integer_character:
        return "bencode: invalid character in integer";
      case Error::integer_overflow:
        return "bencode: integer outside the 64-bit range";
      case Error::negative_length:
        return "bencode: negative string length";
      case Error::expected_colon:
        return "bencode: expected ':' after string length";
      case Error::length_exceeds_input:
        return "bencode: string length exceeds the input";
      case Error::key_not_string:
        return "bencode: dictionary key is not a string";
      case Error::unsorted_key:
        return "bencode: dictionary keys out of order";
      case Error::duplicate_key:
        return "bencode: duplicate dictionary key";
      case Error::missing_value:
        return "bencode: dictionary key without a value";
      case Error::depth_exceeded:
        return "bencode: nesting too deep";
      case Error::token_count_exceeded:
        return "bencode: too many values";
      case Error::input_too_large:
        return "bencode: input too large";
      case Error::trailing_data:
        return "bencode: data after the value";
    }
    return "bencode: unknown error";
  }
};

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

}  // namespace

const std::error_category& error_category() {
  static const Category category;
  return category;
}

std::error_code make_error_code(Error error) {
  return {static_cast<int>(error), error_category()};
}

std::string_view type_name(Type type) {
  switch (type) {
    case Type::integer:
      return "integer";
    case Type::string:
      return "string";
    case Type::list:
      return "list";
    case Type::dict:
      return "dictionary";
  }
  return "unknown";
}

// ---------------------------------------------------------------------------------------------
// Decoder

class Decoder {
 public:
  Decoder(std::string_view input, const Limits& limits) : input_(input), limits_(limits) {}

  ParseResult<Document> run(bool allow_trailing);

 private:
  struct Frame {
    std::uint32_t token_index;  // the container's token
    bool is_dict;
    bool expects_key;           // dictionaries only: the next value is a key
    std::string_view last_key;  // dictionaries only: the previous key, empty before the first
    bool has_last_key;
  };

  ParseError fail(Error error, std::size_t offset) const {
    return ParseError{make_error_code(error), offset};
  }
  std::optional<ParseError> push(TokenKind kind, std::uint8_t header_size = 0);
  std::optional<ParseError> value();
  std::optional<ParseError> dict_key();
  std::optional<ParseError> close();
  std::optional<ParseError> integer();
  std::optional<ParseError> string_value();
  std::optional<ParseError> open(TokenKind kind);

  std::string_view input_;
  Limits limits_;
  std::size_t position_ = 0;
  Document document_;
  std::vector<Frame> stack_;
};

std::optional<ParseError> Decoder::push(TokenKind kind, std::uint8_t header_size) {
  if (document_.tokens_.size() >= limits_.token_count_max) {
    return fail(Error::token_count_exceeded, position_);
  }
  assert(position_ <= input_size_max);
  document_.tokens_.push_back(Token{static_cast<std::uint32_t>(position_), 1, kind, header_size});
  return std::nullopt;
}

std::optional<ParseError> Decoder::integer() {
  assert(input_[position_] == 'i');
  const std::size_t start = position_;
  std::size_t at = start + 1;
  const bool negative = at < input_.size() && input_[at] == '-';
  if (negative) ++at;
  const std::size_t digits_start = at;
  // Magnitude limit: 2^63 for negative numbers, 2^63 - 1 for positive ones.
  const std::uint64_t magnitude_max =
      static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) + (negative ? 1 : 0);
  std::uint64_t magnitude = 0;
  for (;; ++at) {
    if (at >= input_.size()) return fail(Error::unexpected_end, input_.size());
    const char c = input_[at];
    if (c == 'e') break;
    if (!is_digit(c)) return fail(Error::invalid_integer_character, at);
    if (at > digits_start && input_[digits_start] == '0') {
      return fail(negative ? Error::negative_zero : Error::leading_zero, digits_start);
    }
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (magnitude > (magnitude_max - digit) / 10) return fail(Error::integer_overflow, at);
    magnitude = magnitude * 10 + digit;
  }
  if (at == digits_start) return fail(Error::empty_integer, at);
  if (negative && magnitude == 0) return fail(Error::negative_zero, digits_start);
  if (auto error = push(TokenKind::integer)) return error;
  position_ = at + 1;
  return std::nullopt;
}

std::optional<ParseError> Decoder::string_value() {
  const std::size_t start = position_;
  assert(is_digit(input_[start]));
  std::size_t at = start;
  std::uint64_t length = 0;
  for (; at < input_.size() && is_digit(input_[at]); ++at) {
    if (at > start && input_[start] == '0') return fail(Error::leading_zero, start);
    length = length * 10 + static_cast<std::uint64_t>(input_[at] - '0');
    // Stops long before the accumulator could overflow: no string is longer than the input.
    if (length > input_.size()) return fail(Error::length_exceeds_input, start);
  }
  if (at >= input_.size()) return fail(Error::unexpected_end, input_.size());
  if (input_[at] != ':') return fail(Error::expected_colon, at);
  ++at;
  if (length > input_.size() - at) return fail(Error::length_exceeds_input, start);
  assert(at - start <= 11);  // at most 10 digits below 2^32, and the colon
  if (auto error = push(TokenKind::string, static_cast<std::uint8_t>(at - start))) return error;
  position_ = at + length;
  return std::nullopt;
}

std::optional<ParseError> Decoder::open(TokenKind kind) {
  assert(kind == TokenKind::list || kind == TokenKind::dict);
  if (stack_.size() >= limits_.depth_max) return fail(Error::depth_exceeded, position_);
  const auto index = static_cast<std::uint32_t>(document_.tokens_.size());
  if (auto error = push(kind)) return error;
  const bool is_dict = kind == TokenKind::dict;
  stack_.push_back(Frame{index, is_dict, is_dict, {}, false});
  ++position_;
  return std::nullopt;
}

std::optional<ParseError> Decoder::close() {
  assert(!stack_.empty());
  assert(input_[position_] == 'e');
  const Frame& frame = stack_.back();
  if (frame.is_dict && !frame.expects_key) return fail(Error::missing_value, position_);
  if (auto error = push(TokenKind::end)) return error;
  const auto after_end = static_cast<std::uint32_t>(document_.tokens_.size());
  document_.tokens_[frame.token_index].next_delta = after_end - frame.token_index;
  stack_.pop_back();
  ++position_;
  return std::nullopt;
}

// A key of the innermost dictionary: a string greater than the previous key.
std::optional<ParseError> Decoder::dict_key() {
  Frame& frame = stack_.back();
  assert(frame.is_dict && frame.expects_key);
  const std::size_t start = position_;
  if (!is_digit(input_[start])) {
    if (input_[start] == '-') return fail(Error::negative_length, start);
    if (input_[start] == 'i' || input_[start] == 'l' || input_[start] == 'd') {
      return fail(Error::key_not_string, start);
    }
    return fail(Error::expected_value, start);
  }
  if (auto error = string_value()) return error;
  const Token& token = document_.tokens_.back();
  const std::string_view key =
      input_.substr(token.offset + token.header_size, position_ - token.offset - token.header_size);
  if (frame.has_last_key) {
    if (key == frame.last_key) return fail(Error::duplicate_key, start);
    if (key < frame.last_key) {
      if (limits_.keys_sorted) return fail(Error::unsorted_key, start);
      document_.tokens_[frame.token_index].header_size = detail::unsorted_keys;
    }
  }
  frame.last_key = key;
  frame.has_last_key = true;
  frame.expects_key = false;
  return std::nullopt;
}

std::optional<ParseError> Decoder::value() {
  const char c = input_[position_];
  if (c == 'i') return integer();
  if (c == 'l') return open(TokenKind::list);
  if (c == 'd') return open(TokenKind::dict);
  if (is_digit(c)) return string_value();
  if (c == '-') return fail(Error::negative_length, position_);
  return fail(Error::expected_value, position_);
}

ParseResult<Document> Decoder::run(bool allow_trailing) {
  if (input_.size() > input_size_max) return fail(Error::input_too_large, input_size_max);
  stack_.reserve(std::min<std::size_t>(limits_.depth_max, 64));
  // A bound that avoids most regrowth on typical inputs without trusting the input's size blindly.
  document_.tokens_.reserve(std::min<std::size_t>(limits_.token_count_max, input_.size() / 8 + 2));
  // One top-level value, then the loop runs while containers are open.
  do {
    if (position_ >= input_.size()) return fail(Error::unexpected_end, input_.size());
    std::optional<ParseError> error;
    if (!stack_.empty() && input_[position_] == 'e') {
      error = close();
    } else if (!stack_.empty() && stack_.back().expects_key) {
      error = dict_key();
    } else {
      // A dictionary value: afterwards the dictionary expects a key again. By index, because
      // value() may push a frame and reallocate the stack.
      const bool in_dict = !stack_.empty() && stack_.back().is_dict;
      const std::size_t parent = stack_.size() - 1;
      error = value();
      if (!error && in_dict) stack_[parent].expects_key = true;
    }
    if (error) return *error;
  } while (!stack_.empty());
  if (!allow_trailing && position_ != input_.size()) return fail(Error::trailing_data, position_);
  // The sentinel: where the value ends, so every token's span is [offset, next token's offset).
  document_.tokens_.push_back(Token{static_cast<std::uint32_t>(position_), 1, TokenKind::end, 0});
  document_.encoded_ = input_.substr(0, position_);
  return std::move(document_);
}

ParseResult<Document> decode(std::string_view input, const Limits& limits) {
  return Decoder(input, limits).run(false);
}

ParseResult<Document> decode(std::span<const std::uint8_t> input, const Limits& limits) {
  return decode(std::string_view(reinterpret_cast<const char*>(input.data()), input.size()),
                limits);
}

ParseResult<Document> decode_prefix(std::string_view input, const Limits& limits) {
  return Decoder(input, limits).run(true);
}

ParseResult<Document> decode_prefix(std::span<const std::uint8_t> input, const Limits& limits) {
  return decode_prefix(std::string_view(reinterpret_cast<const char*>(input.data()), input.size()),
                       limits);
}

// ---------------------------------------------------------------------------------------------
// Node

Node Document::root() const {
  assert(tokens_.size() >= 2);
  return Node(tokens_.data(), encoded_.data());
}

Type Node::type() const {
  assert(token_ != nullptr);
  assert(token_->kind != TokenKind::end);
  return static_cast<Type>(token_->kind);
}

std::string_view Node::encoded() const {
  assert(token_ != nullptr);
  const std::uint32_t end = end_of_subtree()->offset;
  assert(end > token_->offset);
  return std::string_view(input_ + token_->offset, end - token_->offset);
}

std::size_t Node::offset() const {
  assert(token_ != nullptr);
  return token_->offset;
}

std::int64_t Node::integer() const {
  assert(is_integer());
  const std::string_view bytes = encoded();
  assert(bytes.size() >= 3);
  std::int64_t value = 0;
  const auto result = std::from_chars(bytes.data() + 1, bytes.data() + bytes.size() - 1, value);
  assert(result.ec == std::errc());
  assert(result.ptr == bytes.data() + bytes.size() - 1);
  return value;
}

std::string_view Node::string() const {
  assert(is_string());
  const std::string_view bytes = encoded();
  assert(bytes.size() >= token_->header_size);
  return bytes.substr(token_->header_size);
}

std::span<const std::uint8_t> Node::string_bytes() const {
  const std::string_view text = string();
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

Node::ItemRange Node::items() const {
  assert(is_list());
  const detail::Token* last = end_of_subtree() - 1;
  assert(last->kind == TokenKind::end);
  return ItemRange(ChildIterator<Node>(token_ + 1, input_), ChildIterator<Node>(last, input_));
}

Node::EntryRange Node::entries() const {
  assert(is_dict());
  const detail::Token* last = end_of_subtree() - 1;
  assert(last->kind == TokenKind::end);
  return EntryRange(ChildIterator<DictEntry>(token_ + 1, input_),
                    ChildIterator<DictEntry>(last, input_));
}

std::size_t Node::list_size() const {
  std::size_t count = 0;
  for ([[maybe_unused]] Node item : items())
    ++count;
  return count;
}

Node Node::list_item(std::size_t index) const {
  std::size_t at = 0;
  for (Node item : items()) {
    if (at == index) return item;
    ++at;
  }
  assert(false && "list index out of range");
  return {};
}

std::size_t Node::dict_size() const {
  std::size_t count = 0;
  for ([[maybe_unused]] const DictEntry& entry : entries())
    ++count;
  return count;
}

std::optional<Node> Node::find(std::string_view key) const {
  const bool sorted = token_->header_size != detail::unsorted_keys;
  for (const DictEntry& entry : entries()) {
    if (entry.key == key) return entry.value;
    if (sorted && entry.key > key) break;  // keys are sorted: it cannot come later
  }
  return std::nullopt;
}

std::optional<std::int64_t> Node::find_integer(std::string_view key) const {
  const auto found = find(key);
  if (!found || !found->is_integer()) return std::nullopt;
  return found->integer();
}

std::optional<std::string_view> Node::find_string(std::string_view key) const {
  const auto found = find(key);
  if (!found || !found->is_string()) return std::nullopt;
  return found->string();
}

std::optional<Node> Node::find_list(std::string_view key) const {
  const auto found = find(key);
  if (!found || !found->is_list()) return std::nullopt;
  return found;
}

std::optional<Node> Node::find_dict(std::string_view key) const {
  const auto found = find(key);
  if (!found || !found->is_dict()) return std::nullopt;
  return found;
}

// ---------------------------------------------------------------------------------------------
// Encoder

void Encoder::before_value() {
  if (depth_ == 0) return;
  Frame& frame = frames_[depth_ - 1];
  if (frame.is_dict) {
    assert(frame.has_key && "a dictionary value needs a key first");
    frame.has_key = false;
  }
}

Encoder& Encoder::integer(std::int64_t value) {
  before_value();
  std::array<char, 24> digits{};
  const auto result = std::to_chars(digits.data(), digits.data() + digits.size(), value);
  assert(result.ec == std::errc());
  out_.push_back('i');
  out_.append(digits.data(), result.ptr);
  out_.push_back('e');
  return *this;
}

void Encoder::append_string(std::string_view value) {
  std::array<char, 24> digits{};
  const auto result = std::to_chars(digits.data(), digits.data() + digits.size(), value.size());
  assert(result.ec == std::errc());
  out_.append(digits.data(), result.ptr);
  out_.push_back(':');
  out_.append(value);
}

Encoder& Encoder::string(std::string_view value) {
  before_value();
  append_string(value);
  return *this;
}

Encoder& Encoder::string(std::span<const std::uint8_t> value) {
  return string(std::string_view(reinterpret_cast<const char*>(value.data()), value.size()));
}

Encoder& Encoder::open(char marker, bool is_dict) {
  assert(depth_ < nesting_max);
  before_value();
  out_.push_back(marker);
  frames_[depth_] = Frame{is_dict, false, false, 0, 0};
  ++depth_;
  return *this;
}

Encoder& Encoder::begin_list() {
  return open('l', false);
}
Encoder& Encoder::begin_dict() {
  return open('d', true);
}

Encoder& Encoder::key(std::string_view key) {
  assert(depth_ > 0);
  Frame& frame = frames_[depth_ - 1];
  assert(frame.is_dict);
  assert(!frame.has_key && "two keys in a row");
  if (frame.has_last_key) {
    const std::string_view last(out_.data() + frame.last_key_offset, frame.last_key_size);
    assert(last < key && "dictionary keys must be written in strictly ascending order");
  }
  append_string(key);
  frame.last_key_offset = out_.size() - key.size();
  frame.last_key_size = key.size();
  frame.has_last_key = true;
  frame.has_key = true;
  return *this;
}

Encoder& Encoder::end() {
  assert(depth_ > 0);
  assert(!frames_[depth_ - 1].has_key && "a dictionary key without a value");
  --depth_;
  out_.push_back('e');
  return *this;
}

Encoder& Encoder::raw(std::string_view encoded_value) {
  assert(!encoded_value.empty());
  before_value();
  out_.append(encoded_value);
  return *this;
}

bool Encoder::expects_key() const {
  return depth_ > 0 && frames_[depth_ - 1].is_dict && !frames_[depth_ - 1].has_key;
}

// The token array is already in encoding order, so a linear walk re-encodes without recursion.
void encode(Encoder& encoder, Node node) {
  const std::size_t depth_before = encoder.depth();
  for (const Token* token = node.token_; token != node.end_of_subtree(); ++token) {
    switch (token->kind) {
      case TokenKind::integer:
        encoder.integer(Node(token, node.input_).integer());
        break;
      case TokenKind::string: {
        const std::string_view text = Node(token, node.input_).string();
        if (encoder.expects_key()) {
          encoder.key(text);
        } else {
          encoder.string(text);
        }
        break;
      }
      case TokenKind::list:
        encoder.begin_list();
        break;
      case TokenKind::dict:
        encoder.begin_dict();
        break;
      case TokenKind::end:
        encoder.end();
        break;
    }
  }
  assert(encoder.depth() == depth_before);
}

std::string encode(Node node) {
  std::string out;
  out.reserve(node.encoded().size());
  Encoder encoder(out);
  encode(encoder, node);
  return out;
}

}  // namespace swarmlab::protocol::bencode
