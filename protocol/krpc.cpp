#include "protocol/krpc.hpp"

#include "protocol/bencode.hpp"
#include "protocol/bencode_fields.hpp"
#include "protocol/error_category.hpp"

#include <cassert>
#include <cstring>

namespace swarmlab::protocol::krpc {
namespace {

using bencode::Node;
namespace fields = bencode_fields;
using E = KrpcError;

const char* describe(KrpcError error) {
  switch (error) {
    case E::message_too_large:
      return "KRPC message too large";
    case E::not_a_dictionary:
      return "KRPC message or argument is not a dictionary";
    case E::missing_field:
      return "KRPC message lacks a required key";
    case E::wrong_type:
      return "KRPC key has a value of the wrong type";
    case E::value_out_of_range:
      return "KRPC integer out of range";
    case E::value_too_long:
      return "KRPC string too long";
    case E::bad_message_type:
      return "KRPC message type is not q, r or e";
    case E::bad_id_size:
      return "KRPC node id, target or info_hash is not 20 bytes";
    case E::node_list_misaligned:
      return "KRPC node list is not a whole number of entries";
    case E::too_many_nodes:
      return "KRPC response lists too many nodes";
    case E::bad_value_size:
      return "KRPC peer value is not 6 or 18 bytes";
    case E::too_many_values:
      return "KRPC response lists too many peers";
    case E::bad_error_list:
      return "KRPC error is not [code, message]";
    case E::bad_address_size:
      return "KRPC ip is not 6 or 18 bytes";
  }
  return "unknown KRPC error";
}

// Messages are small and at most three levels deep ({a: {want: [...]}}).
constexpr bencode::Limits message_limits{.depth_max = 4,
                                         .token_count_max = 2 * value_count_max + 128};

ParseResult<std::array<std::uint8_t, 20>> required_id(Node dict, std::string_view key) {
  const auto text = fields::required_string<E>(dict, key, 20);
  if (!text) {
    if (text.error().code == make_error_code(E::value_too_long)) {
      return ParseError{E::bad_id_size, text.error().offset};
    }
    return text.error();
  }
  if (text->size() != 20) return ParseError{E::bad_id_size, dict.find(key)->offset()};
  std::array<std::uint8_t, 20> id{};
  std::memcpy(id.data(), text->data(), 20);
  return id;
}

ParseResult<bool> optional_flag(Node dict, std::string_view key) {
  const auto value = fields::optional_integer<E>(dict, key, 0, 1);
  if (!value) return value.error();
  return value->value_or(0) == 1;
}

ParseResult<std::optional<Want>> decode_want(Node arguments) {
  const auto list = fields::optional_container<E>(arguments, "want", bencode::Type::list);
  if (!list) return list.error();
  if (!*list) return std::optional<Want>();
  Want want;
  std::size_t count = 0;
  for (const Node item : (*list)->items()) {
    if (++count > want_count_max) return ParseError{E::value_too_long, (*list)->offset()};
    if (!item.is_string()) return ParseError{E::wrong_type, item.offset()};
    if (item.string() == "n4") want.ipv4 = true;
    if (item.string() == "n6") want.ipv6 = true;
  }
  return std::optional(want);
}

ParseResult<AnnouncePeer> decode_announce_peer(Node arguments) {
  AnnouncePeer announce;
  const auto info_hash = required_id(arguments, "info_hash");
  if (!info_hash) return info_hash.error();
  announce.info_hash = *info_hash;
  const auto implied_port = optional_flag(arguments, "implied_port");
  if (!implied_port) return implied_port.error();
  announce.implied_port = *implied_port;
  const auto port = fields::optional_integer<E>(arguments, "port", 0, 65535);
  if (!port) return port.error();
  if (!*port && !announce.implied_port) return ParseError{E::missing_field, arguments.offset()};
  announce.port = static_cast<std::uint16_t>(port->value_or(0));
  const auto token = fields::required_string<E>(arguments, "token", token_size_max);
  if (!token) return token.error();
  announce.token = std::string(*token);
  return announce;
}

ParseResult<Query> decode_query(Node root) {
  const auto method = fields::required_string<E>(root, "q", method_name_size_max);
  if (!method) return method.error();
  const auto arguments = fields::optional_container<E>(root, "a", bencode::Type::dict);
  if (!arguments) return arguments.error();
  if (!*arguments) return ParseError{E::missing_field, root.offset()};
  const Node args = **arguments;
  Query query;
  const auto sender = required_id(args, "id");
  if (!sender) return sender.error();
  query.sender_id = *sender;
  if (*method == "ping") {
    query.method = Ping{};
  } else if (*method == "find_node" || *method == "get_peers") {
    const bool find_node = *method == "find_node";
    const auto target = required_id(args, find_node ? "target" : "info_hash");
    if (!target) return target.error();
    if (find_node) query.method = FindNode{.target = *target};
    if (!find_node) query.method = GetPeers{.info_hash = *target};
    auto want = decode_want(args);
    if (!want) return want.error();
    query.want = *want;
  } else if (*method == "announce_peer") {
    auto announce = decode_announce_peer(args);
    if (!announce) return announce.error();
    query.method = std::move(*announce);
  } else {
    query.method = UnknownMethod{.method = std::string(*method)};
  }
  return query;
}

std::optional<ParseError> decode_nodes(Node dict, std::string_view key, std::size_t entry_size,
                                       std::vector<NodeInfo>& nodes) {
  const auto text = fields::optional_string<E>(dict, key, node_count_max * entry_size);
  if (!text) {
    if (text.error().code == make_error_code(E::value_too_long)) {
      return ParseError{E::too_many_nodes, text.error().offset};
    }
    return text.error();
  }
  if (!*text) return std::nullopt;
  const std::string_view bytes = **text;
  if (bytes.size() % entry_size != 0) {
    return ParseError{E::node_list_misaligned, dict.find(key)->offset()};
  }
  for (std::size_t offset = 0; offset < bytes.size(); offset += entry_size) {
    const auto* entry = reinterpret_cast<const std::uint8_t*>(bytes.data() + offset);
    const auto node = parse_compact_node(std::span(entry, entry_size));
    assert(node);
    nodes.push_back(*node);
  }
  return std::nullopt;
}

std::optional<ParseError> decode_values(Node dict, std::vector<PeerAddress>& values) {
  const auto list = fields::optional_container<E>(dict, "values", bencode::Type::list);
  if (!list) return list.error();
  if (!*list) return std::nullopt;
  for (const Node item : (*list)->items()) {
    if (values.size() == value_count_max) return ParseError{E::too_many_values, item.offset()};
    if (!item.is_string()) return ParseError{E::wrong_type, item.offset()};
    const auto peer = parse_compact(item.string_bytes());
    if (!peer) return ParseError{E::bad_value_size, item.offset()};
    values.push_back(*peer);
  }
  return std::nullopt;
}

ParseResult<Response> decode_response(Node root) {
  const auto body = fields::optional_container<E>(root, "r", bencode::Type::dict);
  if (!body) return body.error();
  if (!*body) return ParseError{E::missing_field, root.offset()};
  const Node dict = **body;
  Response response;
  const auto sender = required_id(dict, "id");
  if (!sender) return sender.error();
  response.sender_id = *sender;
  if (auto error = decode_nodes(dict, "nodes", compact_node_ipv4_size_bytes, response.nodes)) {
    return *error;
  }
  if (auto error = decode_nodes(dict, "nodes6", compact_node_ipv6_size_bytes, response.nodes)) {
    return *error;
  }
  if (auto error = decode_values(dict, response.values)) return *error;
  const auto token = fields::optional_string<E>(dict, "token", token_size_max);
  if (!token) return token.error();
  if (*token) response.token = std::string(**token);
  return response;
}

ParseResult<Error> decode_error(Node root) {
  const auto list = fields::optional_container<E>(root, "e", bencode::Type::list);
  if (!list) return list.error();
  if (!*list) return ParseError{E::missing_field, root.offset()};
  auto items = (*list)->items();
  auto item = items.begin();
  if (item == items.end() || !(*item).is_integer()) {
    return ParseError{E::bad_error_list, (*list)->offset()};
  }
  Error error{.code = (*item).integer(), .message = {}};
  ++item;
  if (item == items.end() || !(*item).is_string()) {
    return ParseError{E::bad_error_list, (*list)->offset()};
  }
  if ((*item).string().size() > error_message_size_max) {
    return ParseError{E::value_too_long, (*item).offset()};
  }
  error.message = std::string((*item).string());
  if (++item != items.end()) return ParseError{E::bad_error_list, (*list)->offset()};
  return error;
}

// The keys every message may carry: t, v, ro, ip.
std::optional<ParseError> decode_envelope(Node root, Message& message) {
  const auto transaction = fields::required_string<E>(root, "t", transaction_id_size_max);
  if (!transaction) return transaction.error();
  message.transaction_id = std::string(*transaction);
  const auto version = fields::optional_string<E>(root, "v", client_version_size_max);
  if (!version) return version.error();
  if (*version) message.client_version = std::string(**version);
  const auto read_only = optional_flag(root, "ro");
  if (!read_only) return read_only.error();
  message.read_only = *read_only;
  const auto ip = fields::optional_string<E>(root, "ip", compact_ipv6_size_bytes);
  if (!ip) {
    if (ip.error().code == make_error_code(E::value_too_long)) {
      return ParseError{E::bad_address_size, ip.error().offset};
    }
    return ip.error();
  }
  if (!*ip) return std::nullopt;
  const auto address = parse_compact(root.find("ip")->string_bytes());
  if (!address) return ParseError{E::bad_address_size, root.find("ip")->offset()};
  message.requester = *address;
  return std::nullopt;
}

template <class Body>
std::optional<ParseError> store_body(ParseResult<Body> body, Message& message) {
  if (!body) return body.error();
  message.body = std::move(*body);
  return std::nullopt;
}

void encode_want(bencode::Encoder& encoder, const std::optional<Want>& want) {
  if (!want) return;
  encoder.key("want").begin_list();
  if (want->ipv4) encoder.string("n4");
  if (want->ipv6) encoder.string("n6");
  encoder.end();
}

// The `a` dictionary, keys in byte order: id, implied_port, info_hash, port, target, token, want.
void encode_arguments(bencode::Encoder& encoder, const Query& query) {
  encoder.key("a").begin_dict().key("id").string(query.sender_id);
  if (const auto* find_node = std::get_if<FindNode>(&query.method)) {
    encoder.key("target").string(find_node->target);
    encode_want(encoder, query.want);
  } else if (const auto* get_peers = std::get_if<GetPeers>(&query.method)) {
    encoder.key("info_hash").string(get_peers->info_hash);
    encode_want(encoder, query.want);
  } else if (const auto* announce = std::get_if<AnnouncePeer>(&query.method)) {
    assert(announce->token.size() <= token_size_max);
    if (announce->implied_port) encoder.key("implied_port").integer(1);
    encoder.key("info_hash").string(announce->info_hash);
    encoder.key("port").integer(announce->port).key("token").string(announce->token);
  }
  encoder.end();
}

// The `r` dictionary, keys in byte order: id, nodes, nodes6, token, values.
void encode_response(bencode::Encoder& encoder, const Response& response) {
  assert(response.nodes.size() <= node_count_max);
  assert(response.values.size() <= value_count_max);
  std::string nodes;
  std::string nodes6;
  for (const NodeInfo& node : response.nodes) {
    append_compact_node(node.address.is_ipv4() ? nodes : nodes6, node);
  }
  encoder.key("r").begin_dict().key("id").string(response.sender_id);
  if (!nodes.empty()) encoder.key("nodes").string(nodes);
  if (!nodes6.empty()) encoder.key("nodes6").string(nodes6);
  if (response.token) encoder.key("token").string(*response.token);
  if (!response.values.empty()) {
    encoder.key("values").begin_list();
    std::string value;
    for (const PeerAddress& peer : response.values) {
      value.clear();
      append_compact(value, peer);
      encoder.string(value);
    }
    encoder.end();
  }
  encoder.end();
}

}  // namespace

const std::error_category& krpc_error_category() {
  static const EnumErrorCategory<KrpcError> category("krpc", describe);
  return category;
}

void append_compact_node(std::string& out, const NodeInfo& node) {
  out.append(reinterpret_cast<const char*>(node.id.data()), node.id.size());
  append_compact(out, node.address);
}

std::optional<NodeInfo> parse_compact_node(std::span<const std::uint8_t> bytes) {
  if (bytes.size() != compact_node_ipv4_size_bytes &&
      bytes.size() != compact_node_ipv6_size_bytes) {
    return std::nullopt;
  }
  NodeInfo node;
  std::memcpy(node.id.data(), bytes.data(), node.id.size());
  const auto address = parse_compact(bytes.subspan(node.id.size()));
  assert(address);
  node.address = *address;
  return node;
}

std::string_view method_name(const Query& query) {
  switch (query.method.index()) {
    case 0:
      return "ping";
    case 1:
      return "find_node";
    case 2:
      return "get_peers";
    case 3:
      return "announce_peer";
    default:
      return std::get<UnknownMethod>(query.method).method;
  }
}

ParseResult<Message> decode(std::span<const std::uint8_t> datagram) {
  if (datagram.size() > message_size_max) return ParseError{E::message_too_large, message_size_max};
  const auto document = bencode::decode(datagram, message_limits);
  if (!document) return document.error();
  const Node root = document->root();
  if (!root.is_dict()) return ParseError{E::not_a_dictionary, 0};
  Message message;
  if (const auto error = decode_envelope(root, message)) return *error;
  const auto type = fields::required_string<E>(root, "y", 1);
  if (!type) {
    if (type.error().code == make_error_code(E::value_too_long)) {
      return ParseError{E::bad_message_type, type.error().offset};
    }
    return type.error();
  }
  std::optional<ParseError> error;
  if (*type == "q") {
    error = store_body(decode_query(root), message);
  } else if (*type == "r") {
    error = store_body(decode_response(root), message);
  } else if (*type == "e") {
    error = store_body(decode_error(root), message);
  } else {
    return ParseError{E::bad_message_type, root.find("y")->offset()};
  }
  if (error) return *error;
  return message;
}

std::string encode(const Message& message) {
  assert(message.transaction_id.size() <= transaction_id_size_max);
  const auto* query = std::get_if<Query>(&message.body);
  const auto* response = std::get_if<Response>(&message.body);
  const auto* error = std::get_if<Error>(&message.body);
  std::string out;
  bencode::Encoder encoder(out);
  // Top-level keys in byte order: a, e, ip, q, r, ro, t, v, y.
  encoder.begin_dict();
  if (query) encode_arguments(encoder, *query);
  if (error) {
    assert(error->message.size() <= error_message_size_max);
    encoder.key("e").begin_list().integer(error->code).string(error->message).end();
  }
  if (message.requester) {
    std::string ip;
    append_compact(ip, *message.requester);
    encoder.key("ip").string(ip);
  }
  if (query) encoder.key("q").string(method_name(*query));
  if (response) encode_response(encoder, *response);
  if (message.read_only) encoder.key("ro").integer(1);
  encoder.key("t").string(message.transaction_id);
  if (message.client_version) encoder.key("v").string(*message.client_version);
  encoder.key("y").string(query ? "q" : response ? "r" : "e");
  encoder.end();
  assert(out.size() <= message_size_max);
  return out;
}

}  // namespace swarmlab::protocol::krpc
