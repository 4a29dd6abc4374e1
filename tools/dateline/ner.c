/*
** ner.c -- `dateline ner`, `dateline train`, `dateline eval`.
** PLACEHOLDER until the NER model lands.
*/
#include "cli.h"

int cmd_ner(int argc, char **argv)
{
  (void)argc;
  (void)argv;
  return cli_usage("ner: not built yet");
}

int cmd_train(int argc, char **argv)
{
  (void)argc;
  (void)argv;
  return cli_usage("train: not built yet");
}

int cmd_eval(int argc, char **argv)
{
  (void)argc;
  (void)argv;
  return cli_usage("eval: not built yet");
}
