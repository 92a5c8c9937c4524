namespace AciTrace.Ovs;

/// <summary>
/// Parses the text of <c>ovs-appctl ofproto/trace</c> (OVS 2.7 and later, 3.x) into bridge passes, table hops and
/// actions. It never throws: lines it does not understand are kept verbatim on the nearest hop or pass.
/// </summary>
/// <remarks>
/// Structure comes from indentation, the way OVS prints its trace tree: each level is 4 spaces; table headers are
/// printed with <c>%2d</c>, so <c>" 5."</c> and <c>"15."</c> sit on the same level. An action belongs to the deepest
/// open hop whose level is below the action's level (a nested resubmit's table is closed by the next action of the
/// outer table), and a line deeper than the previous action of the same hop is that action's child (bucket contents).
/// OVS prints the inner actions of <c>ct(...)</c> and <c>clone(...)</c> on the following lines at the same level
/// (an empty inner list prints as <c>drop</c>); the parser counts them from the action text and makes them children,
/// so that such a <c>drop</c> is never mistaken for a drop of the packet.
/// <para>
/// Table-miss rule: OVS 3.1 sometimes prints a miss as its internal rule <c>N. reg0=0x2, priority 0</c> followed by
/// <c>drop</c>. A hop is taken as that miss only when the match is exactly <c>reg0=0x2</c>, the priority is 0, no
/// cookie is printed and its only action is a bare <c>drop</c>. A real flow with exactly that shape would also drop the
/// packet in that table, so the two readings differ only in the kind of drop reported, never in the verdict.
/// </para>
/// </remarks>
public static class OvsTraceParser
{
    /// <summary>Parses one trace output. Never throws; <paramref name="text"/> may be null, empty or garbage.</summary>
    public static ParsedTrace Parse(string? text)
    {
        text ??= "";
        try
        {
            return new ParseRun(text).Run();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Safety net only: the fuzz tests assert this path is never taken.
            return new ParsedTrace(text, null, Array.Empty<ParsedPass>(), InternalErrorPrefix + ex.GetType().Name,
                Array.Empty<string>());
        }
    }

    /// <summary>Prefix of <see cref="ParsedTrace.Error"/> when the parser itself failed (a bug, never expected).</summary>
    public const string InternalErrorPrefix = "internal parser error: ";

    private sealed class ParseRun
    {
        private readonly string _text;
        private readonly List<PassBuilder> _passes = new();
        private readonly List<PassBuilder> _stack = new();
        private readonly List<string> _unparsed = new();
        private readonly List<Fork> _forks = new();
        private string? _inputFlow;
        private string? _pendingFlow;
        private PendingResume? _pendingResume;
        private bool _inBanner;
        private bool _sawServerError;
        private int _lineNo;

        public ParseRun(string text) => _text = text;

        public ParsedTrace Run()
        {
            ReadOnlySpan<char> all = _text.AsSpan();
            int pos = 0;
            while (pos < all.Length)
            {
                int nl = all[pos..].IndexOf('\n');
                ReadOnlySpan<char> line = nl < 0 ? all[pos..] : all.Slice(pos, nl);
                pos = nl < 0 ? all.Length : pos + nl + 1;
                _lineNo++;
                ProcessLine(line);
            }
            return Finish();
        }

        private void ProcessLine(ReadOnlySpan<char> line)
        {
            int indent = 0;
            int i = 0;
            for (; i < line.Length; i++)
            {
                char c = line[i];
                if (c == ' ') indent++;
                else if (c == '\t') indent += 4;
                else break;
            }
            ReadOnlySpan<char> t = line[i..].TrimEnd();
            if (t.IsEmpty) return;
            int level = indent / 4;

            if (t.StartsWith("bridge(\"", StringComparison.Ordinal))
            {
                StartPass(t, level);
                return;
            }
            if (IsRule(t, '-')) return;
            if (IsRule(t, '='))
            {
                return;
            }
            if (t.StartsWith("recirc(", StringComparison.Ordinal) && t.Contains(" - ", StringComparison.Ordinal))
            {
                StartBanner(t);
                return;
            }

            PopPassesDeeperThan(level);

            if (level == 0 && t.StartsWith("Flow:", StringComparison.Ordinal))
            {
                string flow = t[5..].Trim().ToString();
                _inputFlow ??= flow;
                if (_pendingFlow is not null) AddUnparsed("Flow: " + _pendingFlow);
                _pendingFlow = flow;
                _inBanner = false;
                return;
            }
            if (_inBanner && _pendingResume is not null)
            {
                _pendingResume.Notes.Add(t.ToString());
                return;
            }
            if (level == 0 && TryTriple(t)) return;

            PassBuilder? pass = _stack.Count > 0 ? _stack[^1] : null;
            if (pass is not null && pass.IsResume && pass.Hops.Count == 0)
            {
                if (t.SequenceEqual("thaw")) return;
                const string resuming = "Resuming from table ";
                if (t.StartsWith(resuming, StringComparison.Ordinal) && OvsText.TryParseInt(t[resuming.Length..], out int rt))
                {
                    pass.ResumeTable = rt;
                    return;
                }
            }

            if (TryHopHeader(t, out int table, out ReadOnlySpan<char> rest))
            {
                pass ??= StartImplicitPass();
                pass.AddHop(table, level, rest, _lineNo);
                return;
            }
            if (pass is null)
            {
                if (t.Contains("server returned an error", StringComparison.Ordinal)) _sawServerError = true;
                AddUnparsed(t.ToString());
                return;
            }
            if (level == 0)
            {
                if (t.Contains("server returned an error", StringComparison.Ordinal)) _sawServerError = true;
                pass.RawLines.Add(t.ToString());
                return;
            }
            bool isDetail = t.StartsWith("->", StringComparison.Ordinal) || t.StartsWith(">>", StringComparison.Ordinal);
            if (isDetail)
            {
                int? forkTable = pass.AddDetail(t.ToString(), level);
                if (forkTable is int ft)
                {
                    pass.ForkResumeTable = ft;
                    _forks.Add(new Fork(pass, ft, _lineNo));
                }
            }
            else
            {
                pass.AddAction(t.ToString(), level, _lineNo);
            }
        }

        private static bool IsRule(ReadOnlySpan<char> t, char c)
        {
            if (t.Length < 3) return false;
            foreach (char x in t) if (x != c) return false;
            return true;
        }

        private void StartPass(ReadOnlySpan<char> t, int level)
        {
            ReadOnlySpan<char> name = t[8..];
            int q = name.IndexOf('"');
            if (q >= 0) name = name[..q];
            string bridge = name.ToString();

            PassBuilder? outer = null;
            while (_stack.Count > 0 && _stack[^1].Depth >= level) outer = Pop();
            if (_stack.Count > 0) outer = _stack[^1];

            var p = new PassBuilder(_passes.Count, bridge, level, _lineNo);
            if (_pendingResume is not null)
            {
                p.IsResume = true;
                p.RecircId = _pendingResume.RecircId;
                p.ResumeCtState = _pendingResume.CtState;
                p.RawLines.AddRange(_pendingResume.Notes);
                p.BannerLine = _pendingResume.Line;
                _pendingResume = null;
            }
            else if (_passes.Count > 0)
            {
                p.EnteredThroughPatch = true;
                p.PreviousIndex = outer?.Index ?? _lastTopLevel?.Index;
            }
            p.Flow = _pendingFlow;
            _pendingFlow = null;
            _inBanner = false;
            _passes.Add(p);
            _stack.Add(p);
            if (level == 0) _lastTopLevel = p;
        }

        private PassBuilder? _lastTopLevel;

        private PassBuilder StartImplicitPass()
        {
            var p = new PassBuilder(_passes.Count, "", 0, _lineNo) { Flow = _pendingFlow };
            if (_pendingResume is not null)
            {
                p.IsResume = true;
                p.RecircId = _pendingResume.RecircId;
                p.ResumeCtState = _pendingResume.CtState;
                p.BannerLine = _pendingResume.Line;
                _pendingResume = null;
            }
            _pendingFlow = null;
            _passes.Add(p);
            _stack.Add(p);
            _lastTopLevel = p;
            return p;
        }

        private PassBuilder Pop()
        {
            var p = _stack[^1];
            _stack.RemoveAt(_stack.Count - 1);
            return p;
        }

        private void PopPassesDeeperThan(int level)
        {
            while (_stack.Count > 1 && _stack[^1].Depth > level) Pop();
        }

        private void StartBanner(ReadOnlySpan<char> t)
        {
            while (_stack.Count > 0) Pop();
            string? id = null;
            int close = t.IndexOf(')');
            if (close > 7) id = t[7..close].ToString();
            string? ct = null;
            int cs = t.IndexOf("ct_state=", StringComparison.Ordinal);
            if (cs >= 0)
            {
                ReadOnlySpan<char> v = t[(cs + 9)..];
                int sp = v.IndexOf(' ');
                ct = (sp < 0 ? v : v[..sp]).ToString();
            }
            _pendingResume = new PendingResume(id, ct, _lineNo);
            _inBanner = true;
        }

        private bool TryTriple(ReadOnlySpan<char> t)
        {
            int kind;
            ReadOnlySpan<char> value;
            if (t.StartsWith("Final flow:", StringComparison.Ordinal)) { kind = 0; value = t[11..]; }
            else if (t.StartsWith("Megaflow:", StringComparison.Ordinal)) { kind = 1; value = t[9..]; }
            else if (t.StartsWith("Datapath actions:", StringComparison.Ordinal)) { kind = 2; value = t[17..]; }
            else return false;
            var pass = _stack.Count > 0 ? _stack[0] : _lastTopLevel;
            if (pass is null)
            {
                AddUnparsed(t.ToString());
                return true;
            }
            string v = value.Trim().ToString();
            switch (kind)
            {
                case 0 when pass.FinalFlow is null: pass.FinalFlow = v; break;
                case 1 when pass.Megaflow is null: pass.Megaflow = v; break;
                case 2 when pass.DatapathActions is null: pass.DatapathActions = v; break;
                default: pass.RawLines.Add(t.ToString()); break;
            }
            return true;
        }

        private void AddUnparsed(string line) => _unparsed.Add(line);

        private static bool TryHopHeader(ReadOnlySpan<char> t, out int table, out ReadOnlySpan<char> rest)
        {
            table = 0;
            rest = default;
            int i = 0;
            long v = 0;
            while (i < t.Length && i < 9 && (uint)(t[i] - '0') <= 9)
            {
                v = v * 10 + (t[i] - '0');
                i++;
            }
            if (i == 0 || i >= t.Length || t[i] != '.') return false;
            if (i + 1 < t.Length && t[i + 1] != ' ') return false;
            table = (int)v;
            rest = t[(i + 1)..].Trim();
            return true;
        }

        private ParsedTrace Finish()
        {
            if (_pendingFlow is not null) AddUnparsed("Flow: " + _pendingFlow);
            if (_pendingResume is not null)
                AddUnparsed($"recirc({_pendingResume.RecircId}) - resume conntrack with no bridge section");
            ResolveResumes();

            var passes = new ParsedPass[_passes.Count];
            for (int i = 0; i < passes.Length; i++) passes[i] = _passes[i].Build();

            string? error = null;
            if (passes.Length == 0 && _inputFlow is null && _unparsed.Count > 0)
                error = string.Join("\n", _unparsed);
            else if (_sawServerError)
                error = string.Join("\n", _unparsed.Count > 0 ? _unparsed : new List<string> { "server returned an error" });
            return new ParsedTrace(_text, _inputFlow, passes, error, _unparsed.ToArray());
        }

        /// <summary>
        /// A resume is labelled with the bridge the trace started on. Its real bridge is that of the pass whose
        /// ct(table=N) forked it. OVS resumes forks first-in first-out, so take the oldest unused fork printed before
        /// the banner, preferring one whose table equals the resume table.
        /// </summary>
        private void ResolveResumes()
        {
            var used = new bool[_forks.Count];
            foreach (var p in _passes)
            {
                if (!p.IsResume) continue;
                int pick = -1;
                for (int f = 0; f < _forks.Count; f++)
                {
                    if (used[f] || _forks[f].Line >= p.BannerLine) continue;
                    if (p.ResumeTable is null || _forks[f].Table == p.ResumeTable) { pick = f; break; }
                }
                if (pick < 0)
                {
                    for (int f = 0; f < _forks.Count; f++)
                        if (!used[f] && _forks[f].Line < p.BannerLine) { pick = f; break; }
                }
                if (pick < 0) continue;
                used[pick] = true;
                string forkBridge = _forks[pick].Pass.RealBridgeOrLabel;
                if (forkBridge.Length > 0) p.RealBridge = forkBridge;
                p.PreviousIndex = _forks[pick].Pass.Index;
                p.ResumeTable ??= _forks[pick].Table;
            }
        }
    }

    private sealed record Fork(PassBuilder Pass, int Table, int Line);

    private sealed class PendingResume(string? recircId, string? ctState, int line)
    {
        public string? RecircId { get; } = recircId;
        public string? CtState { get; } = ctState;
        public int Line { get; } = line;
        public List<string> Notes { get; } = new();
    }

    private sealed class PassBuilder(int index, string bridge, int depth, int line)
    {
        public int Index { get; } = index;
        public string LabelledBridge { get; } = bridge;
        public string? RealBridge { get; set; }
        public string RealBridgeOrLabel => RealBridge ?? LabelledBridge;
        public int Depth { get; } = depth;
        public int StartLine { get; } = line;
        public int BannerLine { get; set; }
        public bool IsResume { get; set; }
        public string? RecircId { get; set; }
        public int? ResumeTable { get; set; }
        public string? ResumeCtState { get; set; }
        public bool EnteredThroughPatch { get; set; }
        public int? PreviousIndex { get; set; }
        public string? Flow { get; set; }
        public string? FinalFlow { get; set; }
        public string? Megaflow { get; set; }
        public string? DatapathActions { get; set; }
        public int? ForkResumeTable { get; set; }
        public List<HopBuilder> Hops { get; } = new();
        public List<string> RawLines { get; } = new();
        private readonly List<HopBuilder> _open = new();

        public void AddHop(int table, int level, ReadOnlySpan<char> rest, int line)
        {
            while (_open.Count > 0 && _open[^1].Level >= level) _open.RemoveAt(_open.Count - 1);
            var h = new HopBuilder(table, level, Math.Max(0, level - Depth), line);
            h.ParseHeader(rest);
            Hops.Add(h);
            _open.Add(h);
        }

        /// <summary>The deepest open hop whose level is below <paramref name="level"/>; closes the hops above it.</summary>
        private HopBuilder? OwnerFor(int level)
        {
            for (int i = _open.Count - 1; i >= 0; i--)
            {
                if (_open[i].Level < level)
                {
                    if (i < _open.Count - 1) _open.RemoveRange(i + 1, _open.Count - i - 1);
                    return _open[i];
                }
            }
            return null;
        }

        public void AddAction(string text, int level, int line)
        {
            var owner = OwnerFor(level);
            if (owner is null)
            {
                if (_open.Count > 0) _open[^1].RawLines.Add(text);
                else RawLines.Add(text);
                return;
            }
            owner.AddAction(text, level, line);
        }

        /// <summary>Adds a detail line; returns the resume table when it announces a conntrack fork.</summary>
        public int? AddDetail(string text, int level)
        {
            var owner = OwnerFor(level);
            if (owner is null)
            {
                if (_open.Count > 0) _open[^1].RawLines.Add(text);
                else RawLines.Add(text);
            }
            else
            {
                owner.AddDetail(text, level);
            }
            return ForkTable(text);
        }

        private static int? ForkTable(string detail)
        {
            if (!detail.Contains("forked to recirculate", StringComparison.Ordinal)) return null;
            const string marker = "resumed at table ";
            int i = detail.IndexOf(marker, StringComparison.Ordinal);
            if (i < 0) return null;
            ReadOnlySpan<char> s = detail.AsSpan(i + marker.Length);
            return OvsText.TryParseLeadingInt(s, out int t) ? t : null;
        }

        public ParsedPass Build()
        {
            var hops = new ParsedHop[Hops.Count];
            for (int i = 0; i < hops.Length; i++) hops[i] = Hops[i].Build();
            return new ParsedPass
            {
                Index = Index,
                Bridge = RealBridgeOrLabel,
                LabelledBridge = LabelledBridge,
                IsResume = IsResume,
                RecircId = RecircId,
                ResumeTable = ResumeTable,
                ResumeCtState = ResumeCtState,
                EnteredThroughPatch = EnteredThroughPatch,
                Depth = Depth,
                PreviousIndex = PreviousIndex,
                StartLine = StartLine,
                Flow = Flow,
                FinalFlow = FinalFlow,
                Megaflow = Megaflow,
                DatapathActions = DatapathActions,
                ForkResumeTable = ForkResumeTable,
                Hops = hops,
                RawLines = RawLines.Count == 0 ? Array.Empty<string>() : RawLines.ToArray(),
            };
        }
    }

    private sealed class HopBuilder(int table, int level, int depth, int line)
    {
        public int Table { get; } = table;
        public int Level { get; } = level;
        public int Depth { get; } = depth;
        public int Line { get; } = line;
        public string Match { get; private set; } = "";
        public int? Priority { get; private set; }
        public ulong? Cookie { get; private set; }
        public bool NoMatch { get; private set; }
        public List<ActionBuilder> Actions { get; } = new();
        private List<string>? _rawLines;
        public List<string> RawLines => _rawLines ??= new List<string>(1);
        private readonly List<(ActionBuilder Action, int Level)> _open = new(4);
        private ActionBuilder? _inlineParent;
        private int _inlinePending;
        private int _inlineLevel;

        public void ParseHeader(ReadOnlySpan<char> rest)
        {
            if (rest.StartsWith("No match", StringComparison.Ordinal))
            {
                NoMatch = true;
                return;
            }
            ReadOnlySpan<char> tail;
            if (rest.StartsWith("priority ", StringComparison.Ordinal))
            {
                tail = rest;
            }
            else
            {
                int p = rest.LastIndexOf(", priority ", StringComparison.Ordinal);
                if (p < 0)
                {
                    Match = rest.ToString();
                    return;
                }
                Match = rest[..p].ToString();
                tail = rest[(p + 2)..];
            }
            // tail: "priority P[, cookie 0x..][, anything else]"
            while (!tail.IsEmpty)
            {
                int comma = tail.IndexOf(", ", StringComparison.Ordinal);
                ReadOnlySpan<char> item = comma < 0 ? tail : tail[..comma];
                tail = comma < 0 ? default : tail[(comma + 2)..];
                if (item.StartsWith("priority ", StringComparison.Ordinal) && OvsText.TryParseInt(item[9..], out int pr))
                    Priority = pr;
                else if (item.StartsWith("cookie ", StringComparison.Ordinal) && OvsText.TryParseUInt64(item[7..], out ulong ck))
                    Cookie = ck;
                else
                    RawLines.Add(item.ToString());
            }
        }

        public void AddAction(string text, int level, int line)
        {
            if (_inlinePending > 0 && level == _inlineLevel && _inlineParent is not null)
            {
                _inlineParent.Children.Add(new ActionBuilder(text, line));
                _inlinePending--;
                return;
            }
            _inlinePending = 0;
            while (_open.Count > 0 && _open[^1].Level >= level) _open.RemoveAt(_open.Count - 1);
            var a = new ActionBuilder(text, line);
            if (_open.Count > 0) _open[^1].Action.Children.Add(a);
            else Actions.Add(a);
            _open.Add((a, level));
            int inner = InlineChildCount(text);
            if (inner > 0)
            {
                _inlineParent = a;
                _inlinePending = inner;
                _inlineLevel = level;
            }
        }

        public void AddDetail(string text, int level)
        {
            _inlinePending = 0;
            for (int i = _open.Count - 1; i >= 0; i--)
            {
                if (_open[i].Level <= level)
                {
                    _open[i].Action.Details.Add(text);
                    return;
                }
            }
            if (Actions.Count > 0) Actions[^1].Details.Add(text);
            else RawLines.Add(text);
        }

        /// <summary>How many lines OVS prints after a ct(...) or clone(...) action for its inner actions.</summary>
        private static int InlineChildCount(string text)
        {
            bool isCt = text.StartsWith("ct(", StringComparison.Ordinal);
            bool isClone = !isCt && text.StartsWith("clone(", StringComparison.Ordinal);
            if (!isCt && !isClone) return 0;
            int open = text.IndexOf('(');
            int close = text.LastIndexOf(')');
            if (close <= open) return 0;
            ReadOnlySpan<char> inner = text.AsSpan(open + 1, close - open - 1);
            int count = 0;
            if (isClone)
            {
                count = OvsText.CountTopLevelItems(inner);
            }
            else
            {
                foreach (var item in new OvsText.TopLevelItems(inner))
                {
                    if (item.SequenceEqual("nat") || item.StartsWith("nat(", StringComparison.Ordinal)) count++;
                    else if (item.StartsWith("exec(", StringComparison.Ordinal) && item.EndsWith(")"))
                        count += OvsText.CountTopLevelItems(item[5..^1]);
                }
            }
            return count == 0 ? 1 : count; // an empty inner list prints as "drop"
        }

        public ParsedHop Build()
        {
            var actions = ActionBuilder.BuildAll(Actions);
            bool internalMiss = !NoMatch && Priority == 0 && Cookie is null && Match == "reg0=0x2"
                && actions.Length == 1 && actions[0].Text == "drop" && actions[0].Details.Count == 0
                && actions[0].Children.Count == 0;
            return new ParsedHop
            {
                Table = Table,
                Depth = Depth,
                Match = Match,
                Priority = Priority,
                Cookie = Cookie,
                IsTableMiss = NoMatch || internalMiss,
                MissForm = NoMatch ? MissForm.NoMatch : internalMiss ? MissForm.InternalMissRule : MissForm.None,
                Line = Line,
                Actions = actions,
                RawLines = _rawLines is null || _rawLines.Count == 0 ? Array.Empty<string>() : _rawLines.ToArray(),
            };
        }
    }

    private sealed class ActionBuilder(string text, int line)
    {
        public string Text { get; } = text;
        public int Line { get; } = line;
        private List<string>? _details;
        private List<ActionBuilder>? _children;
        public List<string> Details => _details ??= new List<string>(2);
        public List<ActionBuilder> Children => _children ??= new List<ActionBuilder>(2);

        public static ParsedAction[] BuildAll(List<ActionBuilder>? list)
        {
            if (list is null || list.Count == 0) return Array.Empty<ParsedAction>();
            var result = new ParsedAction[list.Count];
            for (int i = 0; i < result.Length; i++) result[i] = list[i].Build();
            return result;
        }

        private ParsedAction Build() => new()
        {
            Text = Text,
            Line = Line,
            Details = _details is null || _details.Count == 0 ? Array.Empty<string>() : _details.ToArray(),
            Children = BuildAll(_children),
        };
    }
}
