/*
** report.h -- assets of `dateline report` (report_assets.c): the d3
** bundle and the world-atlas TopoJSON, as byte ranges [x, x_end).
*/
#ifndef DL_CLI_REPORT_H
#define DL_CLI_REPORT_H

extern const char cli_report_js[], cli_report_js_end[];
extern const char cli_report_world[], cli_report_world_end[];
extern const char cli_report_page[], cli_report_page_end[]; /* report.js */

#endif
