// write_all: every byte of a buffer sequence onto a Stream, without suspending when the stream
// has room for them.
#pragma once

#include "net/host.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <span>
#include <tuple>

namespace swarmlab::net {

// What asio::async_write with as_tuple(use_awaitable) does, but the bytes are first offered to
// Stream::try_write_some: when the stream takes them all, the caller goes on at once, with no
// completion to schedule and no coroutine to resume (most writes of a peer, whose messages are
// small beside its send buffer). What the stream does not take is written asynchronously.
// Completes with the error and the bytes written, as async_write does. `buffers` (the sequence
// and the bytes) must stay valid until it completes.
asio::awaitable<std::tuple<error_code, std::size_t>> write_all(
    Stream& stream, std::span<const asio::const_buffer> buffers);

}  // namespace swarmlab::net
