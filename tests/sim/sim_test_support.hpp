// Small actors and helpers shared by the simulator's tests: bulk TCP senders and receivers that
// record what they moved and when, and a way to sample a counter at chosen simulated times.
#pragma once

#include "sim/world.hpp"

#include <gtest/gtest.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <cstdint>
#include <vector>

namespace swarmlab::sim::test {

namespace asio = boost::asio;
using namespace std::chrono_literals;
inline constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

inline constexpr std::uint16_t test_port = 6881;
inline constexpr std::size_t bulk_buffer_bytes = 64 * 1024;

// What one receiving end saw.
struct Receipt {
  std::uint64_t bytes = 0;
  TimePoint connected{};
  TimePoint last_byte{};
  net::error_code end;  // eof, or the error that stopped the reads
  bool ended = false;
  TimePoint ended_at{};
  bool in_order = true;  // every byte carried the expected pattern value
};

// The byte at stream offset `offset` of a bulk transfer: checking it catches skipped or reordered
// bytes.
inline std::uint8_t pattern_byte(std::uint64_t offset) {
  return static_cast<std::uint8_t>((offset * 131) ^ (offset >> 13));
}

// Connects and writes `total_bytes` (of the pattern) as fast as the stream takes them, then closes.
inline asio::awaitable<void> bulk_send(net::Host& host, net::Endpoint target,
                                       std::uint64_t total_bytes, net::error_code* end = nullptr) {
  auto [connect_error, stream] = co_await host.async_connect(target, use_tuple);
  if (connect_error) {
    if (end != nullptr) *end = connect_error;
    co_return;
  }
  std::vector<std::uint8_t> buffer(bulk_buffer_bytes);
  std::uint64_t offset = 0;
  while (offset < total_bytes) {
    const std::size_t count =
        static_cast<std::size_t>(std::min<std::uint64_t>(buffer.size(), total_bytes - offset));
    for (std::size_t i = 0; i < count; ++i)
      buffer[i] = pattern_byte(offset + i);
    auto [error, written] =
        co_await asio::async_write(stream, asio::buffer(buffer.data(), count), use_tuple);
    offset += written;
    if (error) {
      if (end != nullptr) *end = error;
      co_return;
    }
  }
  stream.close();
}

// Reads one accepted stream to its end.
inline asio::awaitable<void> bulk_receive(net::Host& host, net::Stream stream, Receipt& receipt) {
  receipt.connected = host.now();
  std::vector<std::uint8_t> buffer(bulk_buffer_bytes);
  for (;;) {
    auto [error, count] = co_await stream.async_read_some(asio::buffer(buffer), use_tuple);
    for (std::size_t i = 0; i < count; ++i) {
      if (buffer[i] != pattern_byte(receipt.bytes + i)) receipt.in_order = false;
    }
    receipt.bytes += count;
    if (count > 0) receipt.last_byte = host.now();
    if (error) {
      receipt.end = error;
      receipt.ended = true;
      receipt.ended_at = host.now();
      co_return;
    }
  }
}

// Accepts `receipts.size()` streams in turn, each read by its own task.
inline asio::awaitable<void> accept_bulk(net::Host& host, net::Listener listener,
                                         std::vector<Receipt>& receipts) {
  for (Receipt& receipt : receipts) {
    net::Stream stream = co_await listener.async_accept(asio::use_awaitable);
    host.spawn(bulk_receive(host, std::move(stream), receipt));
  }
}

inline net::Listener listen_or_die(net::Host& host, std::uint16_t port = test_port) {
  auto listener = host.listen({net::Address(), port});
  EXPECT_TRUE(listener.has_value());
  return std::move(listener).value();
}

inline net::Endpoint endpoint_of(const Host& host, std::uint16_t port = test_port) {
  return {host.addresses().front(), port};
}

// A host with the given capacities (bytes per second, 0 = unlimited) and access latency.
inline HostConfig host_with(std::uint64_t upload, std::uint64_t download, Duration latency = 0ms) {
  HostConfig config;
  config.link.upload_bytes_per_second = upload;
  config.link.download_bytes_per_second = download;
  config.link.latency = latency;
  return config;
}

// Samples `value()` at each of `times` (from the run loop) into the returned vector.
template <class Value>
std::vector<std::uint64_t>& sample_at(World& world, const std::vector<TimePoint>& times,
                                      std::vector<std::uint64_t>& samples, Value value) {
  samples.assign(times.size(), 0);
  for (std::size_t i = 0; i < times.size(); ++i)
    world.at(times[i], [&samples, i, value] { samples[i] = value(); });
  return samples;
}

}  // namespace swarmlab::sim::test
