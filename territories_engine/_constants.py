"""The engine's constants that need no numpy (a default argument may name them without importing it)."""

EARTH_RADIUS_KM: float = 6371.0088
"""Mean earth radius (IUGG arithmetic mean radius R1), in km."""

DEFAULT_ROAD_FACTOR: float = 1.3
"""Default ratio of road distance to great-circle distance (detour index).

Justification (see also ``docs/territories-engine.md``): the ratio of network
to straight-line distance, called *circuity*, *route factor* or *detour
index*, is about 1.2 for random pairs of points in urban areas (Newell,
1980) and 1.21-1.23 around transit stations (O'Sullivan, 1996); Ballou,
Rahardja & Sakai (2002) estimated it per country for road travel; Kim et al.
(2015) found 1.26 for South Korea and report the EU figure as higher. Short
rural trips, which matter most for 15-18 year-olds travelling to a school,
are more circuitous than long ones. 1.3 is therefore a round, slightly
conservative value for Hauts-de-France; it is a parameter everywhere.

References
----------
.. [1] Newell, G. F. (1980). *Traffic Flow on Transportation Networks*. MIT Press.
.. [2] O'Sullivan, S., & Morrall, J. (1996). Walking distances to and from light-rail
   transit stations. *Transportation Research Record* 1538, 19-26.
.. [3] Ballou, R. H., Rahardja, H., & Sakai, N. (2002). Selected country circuity
   factors for road travel distance estimation. *Transportation Research Part A*
   36(9), 843-848.
.. [4] Kim, T., Shin, Y., Lee, J., & Suh, K. (2015). Calculation of regional circuity
   factors using road network distance in South Korea. *Journal of the Korean Society
   of Agricultural Engineers* 57(4), 39-49.
"""
