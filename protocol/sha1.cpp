#include "protocol/sha1.hpp"

#include <openssl/evp.h>

#include <cassert>
#include <stdexcept>

namespace swarmlab::protocol {
namespace {

// Fetched once from the default provider. EVP_sha1() is OpenSSL's legacy handle: every digest
// initialised with it fetches the implementation again (a name lookup under a lock), which costs
// more than hashing a short input. The fetched algorithm is never freed: it lives as long as the
// process, like the provider it comes from.
const EVP_MD* sha1_algorithm() {
  static const EVP_MD* const algorithm = [] {
    const EVP_MD* fetched = EVP_MD_fetch(nullptr, "SHA1", nullptr);
    return fetched != nullptr ? fetched : EVP_sha1();
  }();
  return algorithm;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

struct Sha1Hasher::Context {
  EVP_MD_CTX* context = EVP_MD_CTX_new();
  Context() {
    if (context == nullptr || EVP_DigestInit_ex(context, sha1_algorithm(), nullptr) != 1) {
      throw std::runtime_error("OpenSSL: cannot initialise SHA-1");
    }
  }
  ~Context() { EVP_MD_CTX_free(context); }
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;
};

Sha1Hasher::Sha1Hasher() : context_(std::make_unique<Context>()) {}
Sha1Hasher::~Sha1Hasher() = default;
Sha1Hasher::Sha1Hasher(Sha1Hasher&&) noexcept = default;
Sha1Hasher& Sha1Hasher::operator=(Sha1Hasher&&) noexcept = default;

void Sha1Hasher::update(std::span<const std::uint8_t> data) {
  assert(context_ != nullptr);
  EVP_DigestUpdate(context_->context, data.data(), data.size());
}

void Sha1Hasher::update(std::string_view data) {
  assert(context_ != nullptr);
  EVP_DigestUpdate(context_->context, data.data(), data.size());
}

Sha1Digest Sha1Hasher::finish() {
  assert(context_ != nullptr);
  Sha1Digest digest{};
  unsigned int size = 0;
  EVP_DigestFinal_ex(context_->context, digest.data(), &size);
  assert(size == digest.size());
  EVP_DigestInit_ex(context_->context, sha1_algorithm(), nullptr);
  return digest;
}

Sha1Digest sha1(std::span<const std::uint8_t> data) {
  Sha1Digest digest{};
  unsigned int size = 0;
  if (EVP_Digest(data.data(), data.size(), digest.data(), &size, sha1_algorithm(), nullptr) != 1) {
    throw std::runtime_error("OpenSSL: SHA-1 failed");
  }
  assert(size == digest.size());
  return digest;
}

Sha1Digest sha1(std::string_view data) {
  return sha1(std::span(reinterpret_cast<const std::uint8_t*>(data.data()), data.size()));
}

std::string to_hex(std::span<const std::uint8_t> bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string text;
  text.reserve(bytes.size() * 2);
  for (std::uint8_t byte : bytes) {
    text.push_back(digits[byte >> 4]);
    text.push_back(digits[byte & 0x0f]);
  }
  return text;
}

template <std::size_t N>
std::optional<std::array<std::uint8_t, N>> from_hex(std::string_view text) {
  if (text.size() != 2 * N) return std::nullopt;
  std::array<std::uint8_t, N> bytes{};
  for (std::size_t i = 0; i < N; ++i) {
    const int high = hex_value(text[2 * i]);
    const int low = hex_value(text[2 * i + 1]);
    if (high < 0 || low < 0) return std::nullopt;
    bytes[i] = static_cast<std::uint8_t>(high << 4 | low);
  }
  return bytes;
}

template std::optional<std::array<std::uint8_t, 20>> from_hex<20>(std::string_view);
template std::optional<std::array<std::uint8_t, 32>> from_hex<32>(std::string_view);

}  // namespace swarmlab::protocol
