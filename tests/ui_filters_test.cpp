// The Filters panel's colours (ui/filter_images.hpp): the diverging map, symmetric scales (each
// filter's own or the bank's), RGB filters as colour, other channel counts as their mean.
#include <gtest/gtest.h>

#include <cmath>

#include "epochscope/ui/filter_images.hpp"

using namespace epochscope;
using epochscope::ui::FilterScale;

namespace {

bool same(ui::Rgba8 a, ui::Rgba8 b) { return a.r == b.r && a.g == b.g && a.b == b.b && a.a == b.a; }

}  // namespace

TEST(Palette, DivergingMapIsBlueWhiteRedAndClamped) {
  const auto blue = ui::diverging_color(-1), white = ui::diverging_color(0), red = ui::diverging_color(1);
  EXPECT_GT(blue.b, blue.r);
  EXPECT_GT(red.r, red.b);
  EXPECT_TRUE(same(white, {247, 247, 247, 255}));
  EXPECT_TRUE(same(ui::diverging_color(-7), blue));
  EXPECT_TRUE(same(ui::diverging_color(7), red));
  EXPECT_TRUE(same(ui::diverging_color(std::nanf("")), white));
  // Symmetric in lightness around 0: +-0.5 are the middle stops.
  EXPECT_TRUE(same(ui::diverging_color(-0.5f), {103, 169, 207, 255}));
  EXPECT_TRUE(same(ui::diverging_color(0.5f), {239, 138, 98, 255}));
}

TEST(FilterImages, EachFilterOrTheBankSetsTheSymmetricScale) {
  // Two 2 x 2 filters of one channel: the first spans -2..2, the second -4..1.
  const store::FilterBank bank{"conv1", 2, 1, 2, 2, {-2, 0, 1, 2, -4, 0, 0, 1}};
  const auto own = ui::filter_image(bank, 0, FilterScale::per_filter);
  EXPECT_EQ(own.height, 2);
  EXPECT_EQ(own.width, 2);
  EXPECT_FLOAT_EQ(own.scale, 2);
  EXPECT_TRUE(same(own.pixels[0], ui::diverging_color(-1)));
  EXPECT_TRUE(same(own.pixels[1], ui::diverging_color(0)));
  EXPECT_TRUE(same(own.pixels[2], ui::diverging_color(0.5f)));
  EXPECT_TRUE(same(own.pixels[3], ui::diverging_color(1)));
  EXPECT_EQ(own.values, (std::vector<float>{-2, 0, 1, 2}));
  const auto shared = ui::filter_image(bank, 0, FilterScale::shared);
  EXPECT_FLOAT_EQ(shared.scale, 4);
  EXPECT_TRUE(same(shared.pixels[3], ui::diverging_color(0.5f)));
  EXPECT_TRUE(same(ui::filter_image(bank, 1, FilterScale::shared).pixels[0], ui::diverging_color(-1)));
  // An all-zero filter has no scale and draws white.
  const store::FilterBank zero{"conv1", 1, 1, 1, 3, {0, 0, 0}};
  const auto z = ui::filter_image(zero, 0, FilterScale::per_filter);
  EXPECT_EQ(z.scale, 0);
  for (const auto& p : z.pixels) EXPECT_TRUE(same(p, ui::diverging_color(0)));
  EXPECT_NE(ui::filter_legend(bank, FilterScale::per_filter).find("blue < 0 < red"), std::string::npos);
  EXPECT_NE(ui::filter_legend(bank, FilterScale::per_filter).find("its own largest |weight|"), std::string::npos);
  EXPECT_NE(ui::filter_legend(bank, FilterScale::shared).find("all filters scaled to 4"), std::string::npos);
}

TEST(FilterImages, ColourFiltersAreRgbAndOtherChannelCountsTheirMean) {
  // One 1 x 2 filter over RGB: channel planes red (1, 0), green (-1, 0), blue (0, 0.5).
  const store::FilterBank rgb{"conv1", 1, 3, 1, 2, {1, 0, -1, 0, 0, 0.5f}};
  const auto img = ui::filter_image(rgb, 0, FilterScale::per_filter);
  EXPECT_TRUE(same(img.pixels[0], {255, 0, 128, 255}));  // grey is 0; full red, no green
  EXPECT_TRUE(same(img.pixels[1], {128, 128, 191, 255}));
  EXPECT_NE(ui::filter_legend(rgb, FilterScale::per_filter).find("RGB weights, grey = 0"), std::string::npos);
  // Two channels: their mean, on the diverging map.
  const store::FilterBank two{"conv1", 1, 2, 1, 2, {1, -1, 0, -1}};
  const auto mean = ui::filter_image(two, 0, FilterScale::per_filter);
  EXPECT_EQ(mean.values, (std::vector<float>{0.5f, -1}));
  EXPECT_TRUE(same(mean.pixels[0], ui::diverging_color(0.5f)));
  EXPECT_TRUE(same(mean.pixels[1], ui::diverging_color(-1)));
  EXPECT_NE(ui::filter_legend(two, FilterScale::per_filter).find("mean over 2 channels"), std::string::npos);
}
