return AciTrace.Bench.BenchMain.Run(args);
