// The BEP 10 extension table of a torrent: the extensions we speak over the `extended` message
// (ut_metadata, ut_pex, ...), each a handler behind one small interface, and the ids we give them.
// Part of actors/peer.
//
// Ids: we number our extensions 1, 2, ... in the order they were added and announce that in our
// extension handshake's "m" dictionary; a peer sends us extension i with id i. The peer numbers
// its own extensions, and we send to it with the ids of its handshake (ExtensionPeer keeps them).
// Id 0 is the extension handshake itself, handled by the connection.
//
// Adding an extension is one class and one add() call: the connection dispatches through this
// table and never names an extension.
#pragma once

#include "actors/peer/types.hpp"
#include "protocol/extension.hpp"
#include "protocol/peer_address.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

namespace swarmlab::peer {

// What an extension sees of one connection.
class ExtensionPeer {
 public:
  virtual PeerKey key() const = 0;
  virtual const protocol::PeerAddress& address() const = 0;
  // The id the peer gave extension `name` in its handshake; 0 when it does not speak it.
  virtual std::uint8_t remote_extension_id(std::string_view name) const = 0;
  // Queues an `extended` message with the peer's id for one of its extensions. False when the
  // connection is closing or its queue is full (the message is dropped).
  virtual bool send_extended(std::uint8_t remote_id, std::span<const std::uint8_t> payload) = 0;

 protected:
  ~ExtensionPeer() = default;
};

enum class ExtensionVerdict : std::uint8_t { keep, close };

class ExtensionHandler {
 public:
  virtual ~ExtensionHandler() = default;
  virtual std::string_view name() const = 0;
  // Adds this extension's fields to our handshake (ut_metadata: metadata_size).
  virtual void extend_handshake(protocol::extension::ExtensionHandshake& /*ours*/) const {}
  // The peer's extension handshake arrived (again: BEP 10 allows updates).
  virtual void on_handshake(ExtensionPeer& /*peer*/,
                            const protocol::extension::ExtensionHandshake& /*theirs*/) {}
  // A message the peer sent to this extension; `close` ends the connection as a protocol error.
  virtual ExtensionVerdict on_message(ExtensionPeer& peer,
                                      std::span<const std::uint8_t> payload) = 0;
  // The connection is gone: forget per-peer state.
  virtual void on_disconnect(PeerKey /*peer*/) {}
};

class ExtensionTable {
 public:
  static constexpr std::size_t size_max = 8;
  static_assert(size_max < 255, "ids are one byte, 0 is the handshake");

  // Registers a handler; returns its id (1-based, in order of registration).
  std::uint8_t add(std::unique_ptr<ExtensionHandler> handler);
  std::size_t size() const { return handlers_.size(); }
  // The handler for an id we assigned, or null.
  ExtensionHandler* find(std::uint8_t local_id) const;
  // The table position of the extension called `name`, or size() when absent.
  std::size_t position_of(std::string_view name) const;
  ExtensionHandler& at(std::size_t position) const;
  // Our "m" dictionary and every handler's extra fields.
  void fill_handshake(protocol::extension::ExtensionHandshake& ours) const;

 private:
  std::vector<std::unique_ptr<ExtensionHandler>> handlers_;
};

// The ids a peer gave our extensions, by table position: what ExtensionPeer::remote_extension_id
// answers with.
using RemoteExtensionIds = std::array<std::uint8_t, ExtensionTable::size_max>;

}  // namespace swarmlab::peer
