/*
** report_assets.c -- the plotting code and world map that `dateline
** report` inlines into its HTML page, linked into the binary so that the
** command needs no data files and the page no network (data/report/,
** licences in data/report/NOTICE; rebuilt by
** tools/gen/build_report_assets.sh). `.incbin` takes the files as they are
** at build time; paths are relative to the top folder, where make runs.
*/
#include "report.h"

__asm__(".section .rodata\n"
        ".balign 16\n"
        ".globl cli_report_js\n"
        "cli_report_js:\n"
        ".incbin \"data/report/d3-report.min.js\"\n"
        ".globl cli_report_js_end\n"
        "cli_report_js_end:\n"
        ".byte 0\n"
        ".balign 16\n"
        ".globl cli_report_world\n"
        "cli_report_world:\n"
        ".incbin \"data/report/countries-110m.json\"\n"
        ".globl cli_report_world_end\n"
        "cli_report_world_end:\n"
        ".byte 0\n"
        ".balign 16\n"
        ".globl cli_report_page\n"
        "cli_report_page:\n"
        ".incbin \"data/report/report.js\"\n"
        ".globl cli_report_page_end\n"
        "cli_report_page_end:\n"
        ".byte 0\n"
        ".previous\n");
