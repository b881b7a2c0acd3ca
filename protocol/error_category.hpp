// A std::error_category for a codec's error enum, so that each codec names its errors in one enum
// plus one describing function instead of repeating the category boilerplate.
#pragma once

#include <string>
#include <system_error>

namespace swarmlab::protocol {

template <class Enum>
class EnumErrorCategory final : public std::error_category {
 public:
  using Describe = const char* (*)(Enum);

  EnumErrorCategory(const char* category_name, Describe describe)
      : category_name_(category_name), describe_(describe) {}

  const char* name() const noexcept override { return category_name_; }
  std::string message(int value) const override { return describe_(static_cast<Enum>(value)); }

 private:
  const char* category_name_;
  Describe describe_;
};

}  // namespace swarmlab::protocol
