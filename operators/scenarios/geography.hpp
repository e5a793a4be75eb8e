#pragma once
// Countries with the coordinates of their capitals, for simulations where distance matters
// (card transactions: travel that is possible, or impossible, between two places in time).

#include <span>
#include <string_view>

namespace rivulet::operators::scenarios {

struct Country {
  std::string_view code;  // ISO 3166-1 alpha-2
  double latitude;
  double longitude;
  double weight;  // share of cards issued there
};

std::span<const Country> countries();
// Great-circle distance in kilometres (haversine on a sphere of radius 6,371 km, as the
// expression function geo_distance_km computes it).
double distance_km(double lat1, double lon1, double lat2, double lon2);
double distance_km(const Country& a, const Country& b);

}  // namespace rivulet::operators::scenarios
