#pragma once
// The great-circle distance both the expression function geo_distance_km and the use-case
// generators (operators/scenarios/geography.cpp) use, so a generated journey and the rule that
// checks it measure alike.

#include <algorithm>
#include <cmath>

namespace rivulet::operators {

// Haversine distance on a sphere of the Earth's mean radius (6,371 km): what PostGIS calls
// ST_DistanceSphere, within 0.5 % of the ellipsoid everywhere.
inline double great_circle_km(double lat1, double lon1, double lat2, double lon2) {
  constexpr double kEarthRadiusKm = 6371.0;
  constexpr double kRadians = 3.14159265358979323846 / 180.0;
  const double dlat = (lat2 - lat1) * kRadians;
  const double dlon = (lon2 - lon1) * kRadians;
  const double h = std::sin(dlat / 2) * std::sin(dlat / 2) +
                   std::cos(lat1 * kRadians) * std::cos(lat2 * kRadians) * std::sin(dlon / 2) *
                       std::sin(dlon / 2);
  return 2 * kEarthRadiusKm * std::asin(std::sqrt(std::min(1.0, std::max(0.0, h))));
}

}  // namespace rivulet::operators
