// Loopback TCP throughput through net::Stream on a RealHost against a raw asio::ip::tcp::socket,
// in the same process, on the same io_context, with the same writes and reads (64 KiB by default):
// what the type erasure of net::Host costs. Runs alternate between the two and the best of each is
// kept. Both sides run on one thread, so besides wall-clock MB/s the benchmark reports MB per
// second of that thread's CPU time (user + kernel), which a busy machine disturbs far less.
//
// Usage: real_stream [MEBIBYTES_PER_RUN (default 1024)] [RUNS_EACH (default 5)] [CHUNK_KIB (64)]
//                    [both|stream|raw (default both; one side alone is for profilers)]
#include "net/real_host.hpp"

#include <fmt/core.h>
#include <time.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <optional>
#include <string>

namespace {

namespace asio = boost::asio;
namespace net = swarmlab::net;
using asio::ip::tcp;

constexpr std::size_t mebibyte = 1024 * 1024;

struct Rate {
  double wall_mb_per_s = 0;
  double cpu_mb_per_s = 0;
};

std::chrono::nanoseconds thread_cpu_time() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return std::chrono::seconds(now.tv_sec) + std::chrono::nanoseconds(now.tv_nsec);
}

// Kernel copies run at a speed that depends on the buffers' alignment: both sides get page-aligned
// buffers, so that the heap's history in this process cannot favour one of them.
constexpr std::size_t page_size_bytes = 4096;
struct FreeDeleter {
  void operator()(char* bytes) const { std::free(bytes); }
};
using PageBuffer = std::unique_ptr<char[], FreeDeleter>;

PageBuffer make_page_buffer(std::size_t size_bytes) {
  const std::size_t rounded =
      (size_bytes + page_size_bytes - 1) / page_size_bytes * page_size_bytes;
  PageBuffer buffer(static_cast<char*>(std::aligned_alloc(page_size_bytes, rounded)));
  if (!buffer) throw std::bad_alloc();
  std::memset(buffer.get(), 'x', rounded);
  return buffer;
}

template <class StreamType>
asio::awaitable<void> send_all(StreamType& stream, std::size_t total_bytes,
                               std::size_t chunk_size_bytes) {
  const PageBuffer chunk = make_page_buffer(chunk_size_bytes);
  for (std::size_t sent = 0; sent < total_bytes; sent += chunk_size_bytes)
    co_await asio::async_write(stream, asio::buffer(chunk.get(), chunk_size_bytes),
                               asio::use_awaitable);
}

template <class StreamType>
asio::awaitable<void> receive_all(StreamType& stream, std::size_t total_bytes,
                                  std::size_t chunk_size_bytes) {
  const PageBuffer buffer = make_page_buffer(chunk_size_bytes);
  std::size_t received = 0;
  while (received < total_bytes)
    received += co_await stream.async_read_some(asio::buffer(buffer.get(), chunk_size_bytes),
                                                asio::use_awaitable);
}

void check(std::exception_ptr failure) {
  if (failure) std::rethrow_exception(failure);
}

// Moves `total_bytes` from `sender` to `receiver`; MB are 10^6 bytes.
template <class StreamType>
Rate measure(asio::io_context& io_context, StreamType& sender, StreamType& receiver,
             std::size_t total_bytes, std::size_t chunk_size_bytes) {
  const auto wall_started = std::chrono::steady_clock::now();
  const auto cpu_started = thread_cpu_time();
  asio::co_spawn(io_context, send_all(sender, total_bytes, chunk_size_bytes), check);
  asio::co_spawn(io_context, receive_all(receiver, total_bytes, chunk_size_bytes), check);
  io_context.restart();
  io_context.run();
  const std::chrono::duration<double> wall = std::chrono::steady_clock::now() - wall_started;
  const std::chrono::duration<double> cpu = thread_cpu_time() - cpu_started;
  const auto megabytes = static_cast<double>(total_bytes) / 1e6;
  return {.wall_mb_per_s = megabytes / wall.count(), .cpu_mb_per_s = megabytes / cpu.count()};
}

Rate run_raw(std::size_t total_bytes, std::size_t chunk_size_bytes) {
  asio::io_context io_context;
  tcp::acceptor acceptor(io_context, {asio::ip::address_v4::loopback(), 0});
  tcp::socket sender(io_context);
  sender.connect(acceptor.local_endpoint());
  tcp::socket receiver = acceptor.accept();
  // RealHost sets the same option on every stream.
  sender.set_option(tcp::no_delay(true));
  receiver.set_option(tcp::no_delay(true));
  return measure(io_context, sender, receiver, total_bytes, chunk_size_bytes);
}

asio::awaitable<void> connect_pair(net::Host& host, net::Listener& listener,
                                   std::optional<net::Stream>& sender,
                                   std::optional<net::Stream>& receiver) {
  const net::Endpoint target = listener.local_endpoint();
  sender.emplace(co_await host.async_connect(target, asio::use_awaitable));
  receiver.emplace(co_await listener.async_accept(asio::use_awaitable));
}

Rate run_stream(std::size_t total_bytes, std::size_t chunk_size_bytes) {
  asio::io_context io_context;
  net::RealHost host(io_context, {.addresses = {asio::ip::address_v4::loopback()}, .seed = 1});
  net::Listener listener = host.listen({asio::ip::address_v4::loopback(), 0}).value();
  std::optional<net::Stream> sender;
  std::optional<net::Stream> receiver;
  asio::co_spawn(io_context, connect_pair(host, listener, sender, receiver), check);
  io_context.run();
  return measure(io_context, *sender, *receiver, total_bytes, chunk_size_bytes);
}

void print_comparison(const char* label, double stream_rate, double raw_rate) {
  fmt::print("{}: net::Stream {:8.1f} MB/s   raw socket {:8.1f} MB/s   ratio {:.3f} ({:+.1f}%)\n",
             label, stream_rate, raw_rate, stream_rate / raw_rate,
             (stream_rate / raw_rate - 1.0) * 100.0);
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t mebibytes = argc > 1 ? std::stoul(argv[1]) : 1024;
  const int runs_each = argc > 2 ? std::stoi(argv[2]) : 5;
  const std::size_t chunk_size_bytes = (argc > 3 ? std::stoul(argv[3]) : 64) * 1024;
  const std::string sides = argc > 4 ? argv[4] : "both";
  const bool with_stream = sides != "raw";
  const bool with_raw = sides != "stream";
  const std::size_t total_bytes = mebibytes * mebibyte;
  fmt::print("loopback TCP, {} KiB writes and reads, {} MiB per run, best of {} (alternating)\n",
             chunk_size_bytes / 1024, mebibytes, runs_each);
  Rate stream_best;
  Rate raw_best;
  for (int run = 0; run < runs_each; ++run) {
    // Alternate which goes first, so that neither always runs on a warmer machine.
    Rate stream;
    Rate raw;
    if (with_raw && run % 2 == 1) raw = run_raw(total_bytes, chunk_size_bytes);
    if (with_stream) stream = run_stream(total_bytes, chunk_size_bytes);
    if (with_raw && run % 2 == 0) raw = run_raw(total_bytes, chunk_size_bytes);
    fmt::print(
        "  run {}: wall  net::Stream {:8.1f}  raw {:8.1f} MB/s   "
        "cpu  net::Stream {:8.1f}  raw {:8.1f} MB/s\n",
        run + 1, stream.wall_mb_per_s, raw.wall_mb_per_s, stream.cpu_mb_per_s, raw.cpu_mb_per_s);
    stream_best.wall_mb_per_s = std::max(stream_best.wall_mb_per_s, stream.wall_mb_per_s);
    stream_best.cpu_mb_per_s = std::max(stream_best.cpu_mb_per_s, stream.cpu_mb_per_s);
    raw_best.wall_mb_per_s = std::max(raw_best.wall_mb_per_s, raw.wall_mb_per_s);
    raw_best.cpu_mb_per_s = std::max(raw_best.cpu_mb_per_s, raw.cpu_mb_per_s);
  }
  if (!with_stream || !with_raw) return EXIT_SUCCESS;
  print_comparison("best wall-clock    ", stream_best.wall_mb_per_s, raw_best.wall_mb_per_s);
  print_comparison("best per CPU-second", stream_best.cpu_mb_per_s, raw_best.cpu_mb_per_s);
  return EXIT_SUCCESS;
}
