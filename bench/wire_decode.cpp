// Benchmark: peer wire decoding throughput on a realistic download stream (mostly 16 KiB piece
// messages, with haves, requests and keep-alives between them), read the way a connection reads a
// socket: into the decoder's own buffer (prepare/commit) in chunks of a given size. Prints MB/s
// (1 MB = 10^6 bytes) and messages/s for several read sizes; asserts nothing.
//
//   build/bench/wire_decode [stream_mebibytes] [rounds]
#include "protocol/wire.hpp"
#include "protocol/wire_decoder.hpp"

#include "net/rng.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace {

namespace wire = swarmlab::protocol::wire;

constexpr std::uint32_t piece_length = 256 * 1024;
constexpr std::uint32_t blocks_per_piece = piece_length / wire::block_size_bytes;
constexpr std::uint32_t piece_count = 4096;

const wire::PieceGeometry geometry{.piece_count = piece_count,
                                   .piece_length_bytes = piece_length,
                                   .total_size_bytes = std::uint64_t{piece_count} * piece_length};

struct Stream {
  std::vector<std::uint8_t> bytes;
  std::size_t message_count = 0;
  std::size_t piece_count = 0;
};

// Per 16 KiB block: two haves (other peers completing pieces), one request (the peer downloading
// from us) and now and then a keep-alive. Pieces arrive in an order drawn from a seeded generator.
Stream make_stream(std::size_t size_bytes) {
  swarmlab::net::Rng rng(7);
  std::vector<std::uint8_t> block(wire::block_size_bytes);
  rng.fill(block);
  Stream stream;
  stream.bytes.reserve(size_bytes + 2 * wire::block_size_bytes);
  while (stream.bytes.size() < size_bytes) {
    const auto piece = static_cast<std::uint32_t>(rng.below(piece_count));
    const auto begin =
        static_cast<std::uint32_t>(rng.below(blocks_per_piece)) * wire::block_size_bytes;
    wire::append_frame(stream.bytes,
                       wire::Piece{.piece_index = piece, .begin = begin, .block = block});
    for (int have = 0; have < 2; ++have) {
      wire::append_frame(
          stream.bytes,
          wire::Have{.piece_index = static_cast<std::uint32_t>(rng.below(piece_count))});
    }
    wire::append_frame(
        stream.bytes,
        wire::Request{.piece_index = piece, .begin = begin, .length = wire::block_size_bytes});
    stream.message_count += 4;
    ++stream.piece_count;
    if (rng.chance(1, 64)) {
      wire::append_frame(stream.bytes, wire::KeepAlive{});
      ++stream.message_count;
    }
  }
  return stream;
}

// Decodes the whole stream reading `read_size` bytes at a time; returns a checksum of the blocks so
// that the work cannot be optimised away, and the message count.
std::pair<std::uint64_t, std::size_t> decode_stream(const Stream& stream, std::size_t read_size) {
  wire::WireDecoder decoder(wire::DecoderLimits::for_torrent(geometry, {}),
                            wire::HandshakeExpected::no);
  std::uint64_t checksum = 0;
  std::size_t messages = 0;
  std::size_t fed = 0;
  while (fed < stream.bytes.size()) {
    const auto space = decoder.prepare();
    const std::size_t size = std::min({space.size(), read_size, stream.bytes.size() - fed});
    std::memcpy(space.data(), stream.bytes.data() + fed, size);  // the socket read
    decoder.commit(size);
    fed += size;
    for (auto message = decoder.next(); message && *message; message = decoder.next()) {
      ++messages;
      if (const auto* piece = std::get_if<wire::Piece>(&**message)) {
        checksum += piece->block.front() + piece->block.back() + piece->block.size();
      }
    }
  }
  return {checksum, messages};
}

// The same reads into a fixed buffer without decoding: the floor set by copying the bytes.
std::uint64_t copy_stream(const Stream& stream, std::size_t read_size) {
  std::vector<std::uint8_t> buffer(256 * 1024);
  std::uint64_t checksum = 0;
  for (std::size_t fed = 0; fed < stream.bytes.size();) {
    const std::size_t size = std::min({buffer.size(), read_size, stream.bytes.size() - fed});
    std::memcpy(buffer.data(), stream.bytes.data() + fed, size);
    checksum += buffer[size - 1];
    fed += size;
  }
  return checksum;
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t mebibytes = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 256;
  const int rounds = argc > 2 ? std::atoi(argv[2]) : 5;
  const Stream stream = make_stream(mebibytes << 20);
  fmt::print("stream: {:.1f} MB, {} messages ({} pieces of 16 KiB), best of {} rounds\n",
             static_cast<double>(stream.bytes.size()) / 1e6, stream.message_count,
             stream.piece_count, rounds);
  for (const std::size_t read_size : {std::size_t{1460}, std::size_t{16 * 1024},
                                      std::size_t{64 * 1024}, std::size_t{256 * 1024}}) {
    double best_seconds = 1e300;
    std::uint64_t checksum = 0;
    for (int round = 0; round < rounds; ++round) {
      // Benchmarks measure time; nothing in the program decides on it.
      const auto start = std::chrono::steady_clock::now();
      const auto [sum, messages] = decode_stream(stream, read_size);
      const auto stop = std::chrono::steady_clock::now();
      if (messages != stream.message_count) {
        fmt::print(stderr, "decoded {} of {} messages\n", messages, stream.message_count);
        return 1;
      }
      checksum += sum;
      best_seconds = std::min(best_seconds, std::chrono::duration<double>(stop - start).count());
    }
    fmt::print("read size {:>6} B: {:8.0f} MB/s, {:6.2f} M messages/s (checksum {})\n", read_size,
               static_cast<double>(stream.bytes.size()) / 1e6 / best_seconds,
               static_cast<double>(stream.message_count) / 1e6 / best_seconds, checksum % 1000);
  }
  double copy_seconds = 1e300;
  std::uint64_t copy_checksum = 0;
  for (int round = 0; round < rounds; ++round) {
    const auto start = std::chrono::steady_clock::now();
    copy_checksum += copy_stream(stream, 64 * 1024);
    const auto stop = std::chrono::steady_clock::now();
    copy_seconds = std::min(copy_seconds, std::chrono::duration<double>(stop - start).count());
  }
  fmt::print("copy only, 64 KiB reads: {:8.0f} MB/s (checksum {})\n",
             static_cast<double>(stream.bytes.size()) / 1e6 / copy_seconds, copy_checksum % 1000);
  return 0;
}
