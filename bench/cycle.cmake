# lubench-cycle-report: the result files and the table of `lubench cycle`
# (scripts/cycle.sh), from one guest run.  include() this from
# bench/CMakeLists.txt after lubench_results is defined.  scripts/cycle.sh
# uses ${CMAKE_BINARY_DIR}/bench/lubench-cycle-report when it is current,
# else builds a private copy, so the cycle works before this is included.
add_executable(lubench-cycle-report ${CMAKE_CURRENT_LIST_DIR}/cycle_report.c)
target_link_libraries(lubench-cycle-report PRIVATE lubench_jsonl lubench_topology m)
