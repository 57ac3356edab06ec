# lubench-cycle-report: the result files and the table of `lubench cycle`
# (scripts/host/cycle.sh), from one guest run.  include() this from
# bench/CMakeLists.txt after lubench_results is defined.  Its reading of
# the run is a library of its own, for fuzzing.
add_library(lubench_cycle_read STATIC ${CMAKE_CURRENT_LIST_DIR}/cycle_read.c)
target_include_directories(lubench_cycle_read PUBLIC ${CMAKE_CURRENT_LIST_DIR})
target_link_libraries(lubench_cycle_read PUBLIC lubench_jsonl lubench_cycle_plan m)
add_executable(lubench-cycle-report ${CMAKE_CURRENT_LIST_DIR}/cycle_report.c)
target_link_libraries(lubench-cycle-report PRIVATE lubench_cycle_read
                      lubench_topology m)
