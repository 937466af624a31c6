# bash completion for vmtrace(8): options, subcommands, backends, sort keys,
# PIDs and files. Installed by `make install` as
# $(PREFIX)/share/bash-completion/completions/vmtrace.

# -p takes a comma list, as perf's: the PID after the last comma completes.
_vmtrace_pids()
{
	local pids cur=$1 head=""
	if [[ $cur == *,* ]]; then
		head=${cur%,*},
		cur=${cur##*,}
	fi
	pids=$(cd /proc 2>/dev/null && compgen -G '[0-9]*')
	COMPREPLY=($(compgen -P "$head" -W "$pids" -- "$cur"))
}

# The command after "--" completes as a command of its own.
_vmtrace_command_at()
{
	local i
	for ((i = 1; i < COMP_CWORD; i++)); do
		if [[ ${COMP_WORDS[i]} == -- ]]; then
			echo $((i + 1))
			return
		fi
	done
}

_vmtrace()
{
	local cur prev sub start
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD - 1]}
	sub=${COMP_WORDS[1]}
	start=$(_vmtrace_command_at)
	if [[ -n $start ]]; then
		if declare -F _command_offset >/dev/null; then
			_command_offset "$start"
		else
			COMPREPLY=($(compgen -c -- "$cur"))
		fi
		return
	fi
	case $prev in
	-p | --pid)
		_vmtrace_pids "$cur"
		return ;;
	--backend)
		COMPREPLY=($(compgen -W "auto fentry kprobe tracepoint" -- "$cur"))
		return ;;
	-u | --user)
		COMPREPLY=($(compgen -u -- "$cur"))
		return ;;
	-s | --sort)
		COMPREPLY=($(compgen -W "addr faults minor major errors latency" -- "$cur"))
		return ;;
	--merge)
		COMPREPLY=($(compgen -W "comm" -- "$cur"))
		return ;;
	-o | --output | --baseline | --junit | --folded)
		COMPREPLY=($(compgen -f -- "$cur"))
		return ;;
	--root)
		COMPREPLY=($(compgen -d -- "$cur"))
		return ;;
	-d | --duration | -I | --interval | --top | --max-vmas | -r | --runs | --repeat | \
	--tolerance | --tolerance-for | --min-count)
		return ;;
	esac
	case $sub in
	record | check)
		COMPREPLY=($(compgen -W "-o --output --baseline -r --runs --root --tolerance
			--tolerance-for --min-count --strict --json --pretty --junit -w --wide --backend --max-vmas -i
			--no-inherit -u --user
			-v --verbose --help --" -- "$cur"))
		return ;;
	diff)
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "--tolerance --tolerance-for --min-count --strict
				--json --pretty --junit --root -w --wide -v --verbose --help" -- "$cur"))
		else
			COMPREPLY=($(compgen -f -- "$cur"))
		fi
		return ;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "-p --pid -j --json --pretty -w --wide -o --output -r --repeat -d --duration -I
			--interval -i --no-inherit -a --all-cpus -s --sort --top --files --latency
			--heatmap --full --all-vmas --dead-vmas --code --stacks --folded --folded-kind --features --follow --merge --orphan --backend
			--max-vmas -u --user -v --verbose -V --version --help --usage --" -- "$cur"))
	elif ((COMP_CWORD == 1)); then
		COMPREPLY=($(compgen -W "record check diff" -- "$cur"))
	fi
}

complete -F _vmtrace vmtrace
