#include "net/write_all.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <vector>

namespace swarmlab::net {

namespace {

// The buffers left after the first `taken` bytes.
std::vector<asio::const_buffer> drop_front(std::span<const asio::const_buffer> buffers,
                                           std::size_t taken) {
  std::vector<asio::const_buffer> rest;
  for (const asio::const_buffer& buffer : buffers) {
    if (taken >= buffer.size()) {
      taken -= buffer.size();
      continue;
    }
    rest.push_back(buffer + taken);
    taken = 0;
  }
  return rest;
}

}  // namespace

asio::awaitable<std::tuple<error_code, std::size_t>> write_all(
    Stream& stream, std::span<const asio::const_buffer> buffers) {
  const std::size_t total = asio::buffer_size(buffers);
  if (total == 0) co_return std::tuple(error_code(), std::size_t{0});
  // try_write_some sees at most ConstBuffers::count_max buffers; the rest waits for the slow path.
  const Result<std::size_t> taken = stream.try_write_some(buffers);
  if (!taken && taken.error() != asio::error::would_block) {
    co_return std::tuple(taken.error(), std::size_t{0});
  }
  const std::size_t written = taken ? *taken : 0;
  if (written == total) co_return std::tuple(error_code(), total);
  const std::vector<asio::const_buffer> rest = drop_front(buffers, written);
  auto [error, more] =
      co_await asio::async_write(stream, rest, asio::as_tuple(asio::use_awaitable));
  co_return std::tuple(error, written + more);
}

}  // namespace swarmlab::net
