#include "internal/base/utf8.h"

#include <gtest/gtest.h>

#include <string>

namespace base {
namespace {

TEST(Utf8Test, ValidatesAsRfc3629Does) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain ASCII"));
  EXPECT_TRUE(IsValidUtf8("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"));  // é € 😀
  EXPECT_TRUE(IsValidUtf8(std::string("nul\0inside", 10)));
  EXPECT_FALSE(IsValidUtf8("\xC3"));                  // Cut after the lead byte.
  EXPECT_FALSE(IsValidUtf8("\xE2\x82"));              // Cut inside a 3-byte sequence.
  EXPECT_FALSE(IsValidUtf8("\xE9"));                  // Latin-1 é.
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));              // Overlong '/'.
  EXPECT_FALSE(IsValidUtf8("\xE0\x80\xAF"));          // Overlong, 3 bytes.
  EXPECT_FALSE(IsValidUtf8("\xED\xB0\x80"));          // A surrogate (U+DC00).
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));      // Above U+10FFFF.
  EXPECT_FALSE(IsValidUtf8("\xFF"));
  EXPECT_FALSE(IsValidUtf8("\x80"));                  // A lone continuation byte.
}

TEST(Utf8Test, RepairsEachInvalidRunWithOneReplacementCharacter) {
  EXPECT_EQ(ToValidUtf8("caf\xC3\xA9"), "caf\xC3\xA9");
  EXPECT_EQ(ToValidUtf8("rid-\xE9-17"), "rid-\xEF\xBF\xBD-17");
  EXPECT_EQ(ToValidUtf8("a\xFF\xFE\xFD" "b"), "a\xEF\xBF\xBD" "b");
  EXPECT_EQ(ToValidUtf8("bad \xED\xB0\x80 thing"), "bad \xEF\xBF\xBD thing");
  EXPECT_EQ(ToValidUtf8("x\xC3"), "x\xEF\xBF\xBD");
  EXPECT_TRUE(IsValidUtf8(ToValidUtf8("\xC0\xAF\xE0\x80\xAF\xF4\x90\x80\x80")));
}

TEST(Utf8Test, PrefixesNeverEndInsideACharacter) {
  std::string text = "<html>x";
  for (int i = 0; i < 70; ++i) text += "\xC3\xA9";
  const std::string_view prefix = Utf8Prefix(text, 120);
  EXPECT_EQ(prefix.size(), 119u);  // 7 + 56 * 2: the 57th é would need bytes 120 and 121.
  EXPECT_TRUE(IsValidUtf8(prefix));
  EXPECT_EQ(Utf8Prefix(text, 1000), text);
  EXPECT_EQ(Utf8Prefix("\xF0\x9F\x98\x80", 3), "");
  EXPECT_EQ(Utf8Prefix("ab\xFF\xFF", 3), "ab\xFF");  // Invalid bytes are characters of their own.
}

}  // namespace
}  // namespace base
